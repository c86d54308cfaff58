/**
 * Journeys: tools through the SDK against a real server (the echo model, which calls a tool the
 * prompt names with a JSON object, then tells its result) — a server tool, a client tool the SDK
 * runs by itself, one the app answers, approvals granted and refused, and a second answer refused.
 */
import { ConflictError, clientTool, type Message, pendingToolCalls, type ToolPart } from '@chatwire/sdk';
import { demoTools } from '@chatwire/server';
import { replyFromEvents, startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SignedIn, signUp } from '../support/clients.js';
import { z } from './zod.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ tools: demoTools });
});
afterAll(() => server.close());

async function assistantChat(
  options: Parameters<typeof signUp>[2] = {},
): Promise<SignedIn & { chatId: string }> {
  const signedIn = await signUp(server.url, 'tools', options);
  const chat = await signedIn.client.conversations.create({ type: 'assistant' });
  return { ...signedIn, chatId: chat.id };
}

const toolParts = (reply: Message) => reply.parts.filter((part): part is ToolPart => part.type === 'tool');
const stepsOf = (reply: Message) => reply.parts.filter((part) => part.type === 'step-start').length;

describe('a server tool', () => {
  it('echo calls the calculator: a reply of two steps, the tool part with its output', async () => {
    const ada = await assistantChat();
    const stream = ada.client.messages.stream(ada.chatId, { content: 'use calculator {"expression":"2+2"}' });
    const states: string[] = [];
    stream.on('part', (part) => part.type === 'tool' && states.push(part.state));
    const events = [];
    for await (const event of stream) events.push(event);
    const reply = await stream.finalMessage();
    expect(reply).toMatchObject({ status: 'complete', finishReason: 'stop' });
    expect(stepsOf(reply)).toBe(2);
    expect(toolParts(reply)).toEqual([
      expect.objectContaining({
        toolName: 'calculator',
        state: 'output-available',
        input: { expression: '2+2' },
        output: { expression: '2+2', result: 4 },
      }),
    ]);
    expect(states).toEqual(['input-streaming', 'input-available', 'output-available']);
    expect(reply.content).toContain('The calculator tool answered');
    // What the stream showed adds up to what was stored, and `parts` followed it.
    expect(replyFromEvents(events).parts).toEqual(reply.parts);
    expect(stream.parts).toEqual(reply.parts);
    expect((await ada.client.messages.list(ada.chatId)).items[1]).toEqual(reply);
  });
});

describe('a client tool', () => {
  const zone = 'Pacific/Chatham';

  it('the SDK runs execute, posts the result and follows the reply on to its answer', async () => {
    const execute = vi.fn(() => zone);
    const ada = await assistantChat({
      tools: {
        get_time_zone: clientTool({
          description: "The user's time zone",
          inputSchema: z.object({}),
          execute,
        }),
      },
    });
    const stream = ada.client.messages.stream(ada.chatId, { content: 'please use get_time_zone {}' });
    const completed: string[] = [];
    stream.on('completed', (reply) => completed.push(reply.status));
    const events = [];
    for await (const event of stream) events.push(event);
    const reply = await stream.finalMessage();

    expect(execute).toHaveBeenCalledOnce();
    const call = toolParts(reply)[0]!;
    expect(execute).toHaveBeenCalledWith(
      {},
      expect.objectContaining({
        toolCallId: call.toolCallId,
        messageId: reply.id,
        conversationId: ada.chatId,
      }),
    );
    // Two runs of one reply: the first waited for the client, the second answered.
    expect(completed).toEqual(['awaiting_input', 'complete']);
    expect(events.filter((event) => event.type === 'message.started')).toHaveLength(2);
    expect(reply).toMatchObject({ status: 'complete', content: `The get_time_zone tool answered: ${zone}.` });
    expect(call).toMatchObject({ toolName: 'get_time_zone', state: 'output-available', output: zone });
    expect(stream.parts).toEqual(reply.parts);
    expect((await ada.client.messages.list(ada.chatId)).items[1]).toEqual(reply);
  });

  it('declared per send, over the JSON send too: it resolves with the reply answered', async () => {
    const ada = await assistantChat();
    const lookup = clientTool({
      description: 'Looks a city up',
      inputSchema: z.object({ city: z.string() }),
      execute: ({ city }) => ({ city, population: city.length * 100_000 }),
    });
    const { reply } = await ada.client.messages.send(ada.chatId, {
      content: 'use lookup {"city":"Lisbon"}',
      tools: { lookup },
    });
    expect(reply).toMatchObject({ status: 'complete' });
    expect(toolParts(reply!)[0]).toMatchObject({
      state: 'output-available',
      output: { city: 'Lisbon', population: 600_000 },
    });
    expect(reply?.content).toContain('The lookup tool answered');
  });

  it('input the schema refuses (a pattern the server leaves to the client) is answered as an error, unrun', async () => {
    const execute = vi.fn(() => 'unreachable');
    const ada = await assistantChat();
    const airport = clientTool({
      description: 'An airport by its IATA code',
      inputSchema: z.object({ code: z.string().regex(/^[A-Z]{3}$/, 'Three capital letters') }),
      execute,
    });
    const reply = await ada.client.messages
      .stream(ada.chatId, { content: 'use airport {"code":"lisbon"}', tools: { airport } })
      .finalMessage();
    expect(execute).not.toHaveBeenCalled();
    expect(toolParts(reply)[0]).toMatchObject({
      state: 'output-error',
      errorText: expect.stringContaining('Three capital letters'),
    });
    expect(reply).toMatchObject({
      status: 'complete',
      content: expect.stringContaining('The airport tool failed'),
    });
  });

  it('a throwing execute is the call’s error, which the model is told', async () => {
    const ada = await assistantChat();
    const flaky = clientTool({
      description: 'Always fails',
      inputSchema: z.object({}),
      execute: () => {
        throw new Error('The sensor is unplugged');
      },
    });
    const reply = await ada.client.messages
      .stream(ada.chatId, { content: 'use flaky {}', tools: { flaky } })
      .finalMessage();
    expect(toolParts(reply)[0]).toMatchObject({
      state: 'output-error',
      errorText: 'The sensor is unplugged',
    });
    expect(reply.content).toBe('The flaky tool failed: The sensor is unplugged.');
  });

  it('without execute the reply waits; the app answers; a second answer is refused (409)', async () => {
    const ada = await assistantChat();
    const ask = clientTool({ description: 'Asks the user', inputSchema: z.object({ question: z.string() }) });
    const first = ada.client.messages.stream(ada.chatId, {
      content: 'use ask_user {"question":"Tea or coffee?"}',
      tools: { ask_user: ask },
    });
    const waiting = await first.finalMessage();
    expect(waiting.status).toBe('awaiting_input');
    const [call] = pendingToolCalls(waiting).toolResults;
    expect(call).toMatchObject({
      toolName: 'ask_user',
      state: 'input-available',
      input: { question: 'Tea or coffee?' },
    });

    const answer = ada.client.messages.submitToolResultStream(ada.chatId, waiting.id, {
      toolCallId: call!.toolCallId,
      output: 'Tea',
      parts: waiting.parts,
    });
    // The stream starts from the parts given, the answer applied.
    expect(answer.parts[waiting.parts.indexOf(call!)]).toMatchObject({
      state: 'output-available',
      output: 'Tea',
    });
    const reply = await answer.finalMessage();
    expect(reply).toMatchObject({ status: 'complete', content: 'The ask_user tool answered: Tea.' });
    expect(answer.parts).toEqual(reply.parts);

    const again = ada.client.messages.submitToolResult(ada.chatId, waiting.id, {
      toolCallId: call!.toolCallId,
      output: 'Coffee',
    });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    expect((await ada.client.messages.list(ada.chatId)).items[1]).toEqual(reply);
  });
});

describe('a server tool that needs approval', () => {
  const reminder = 'use set_reminder {"text":"Tea","at":"2030-01-31T09:00:00+01:00"}';

  it('approved from the SDK: the server runs it, and the reply goes on', async () => {
    const ada = await assistantChat();
    const waiting = await ada.client.messages.stream(ada.chatId, { content: reminder }).finalMessage();
    expect(waiting.status).toBe('awaiting_input');
    const [call] = pendingToolCalls(waiting).approvals;
    expect(call).toMatchObject({
      toolName: 'set_reminder',
      state: 'approval-requested',
      input: { text: 'Tea' },
    });

    const stream = ada.client.messages.approveToolCallStream(ada.chatId, waiting.id, {
      toolCallId: call!.toolCallId,
      approved: true,
      parts: waiting.parts,
    });
    const reply = await stream.finalMessage();
    expect(reply.status).toBe('complete');
    expect(toolParts(reply)[0]).toMatchObject({
      state: 'output-available',
      approval: { approved: true },
      output: expect.objectContaining({ confirmed: true, text: 'Tea' }),
    });
    expect(reply.content).toContain('The set_reminder tool answered');
    expect(stream.parts).toEqual(reply.parts);
  });

  it('denied from the SDK: the model is told why; a second answer is refused (409)', async () => {
    const ada = await assistantChat();
    const waiting = await ada.client.messages.stream(ada.chatId, { content: reminder }).finalMessage();
    const [call] = pendingToolCalls(waiting).approvals;
    const { reply } = await ada.client.messages.approveToolCall(ada.chatId, waiting.id, {
      toolCallId: call!.toolCallId,
      approved: false,
      reason: 'Not today',
    });
    expect(reply).toMatchObject({ status: 'complete' });
    expect(toolParts(reply)[0]).toMatchObject({
      state: 'output-denied',
      approval: { approved: false, reason: 'Not today' },
    });
    expect(reply.content).toBe('The set_reminder tool call was denied: Not today.');
    await expect(
      ada.client.messages.approveToolCall(ada.chatId, waiting.id, {
        toolCallId: call!.toolCallId,
        approved: true,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});
