/**
 * Client tools over a scripted `fetch`: declared with the send, run when a reply waits for them
 * (input checked first), answered, and the reply followed on — by the stream, by the JSON send,
 * and from a reply found waiting; the app's own answers; a stop while a tool runs.
 */
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import * as zm from 'zod/mini';
import { ChatwireError } from '../client/errors.js';
import {
  errorResponse,
  json,
  type RecordedRequest,
  type Responder,
} from '../client/fake-fetch.test-support.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import type { MessagePart, ToolPart } from '../contracts/parts.js';
import type { Message } from '../contracts/resources.js';
import { fakeClient } from '../create-client.test-support.js';
import { frame, message, sseResponse, turn } from '../streaming/sse-response.test-support.js';
import { type ClientTools, clientTool } from './client-tool.js';

const { conversationId, replyId: messageId } = turn;
const base = `/v1/conversations/${conversationId}/messages`;
const ids = { conversationId, messageId };

const call = (toolCallId: string, toolName: string, input: unknown): ToolPart => ({
  type: 'tool',
  toolCallId,
  toolName,
  state: 'input-available',
  input,
});

/** The first run: a step calling `calls`, ending `awaiting_input`. */
function waitingRun(calls: ToolPart[]): { events: ChatStreamEvent[]; reply: Message } {
  const parts: MessagePart[] = [{ type: 'step-start' }, ...calls];
  const reply = message({ parts, content: '', status: 'awaiting_input' });
  const events: ChatStreamEvent[] = [
    { type: 'message.started', ...ids, model: 'echo' },
    { type: 'message.part', ...ids, index: 0, part: { type: 'step-start' } },
    ...calls.map((part, i): ChatStreamEvent => ({ type: 'message.part', ...ids, index: i + 1, part })),
    { type: 'message.completed', conversationId, message: reply },
  ];
  return { events, reply };
}

/** The run after the answers: a step that answers `text`. */
function answeringRun(before: MessagePart[], text: string): { events: ChatStreamEvent[]; reply: Message } {
  const at = before.length;
  const parts: MessagePart[] = [...before, { type: 'step-start' }, { type: 'text', text }];
  const reply = message({ parts, content: text });
  const events: ChatStreamEvent[] = [
    { type: 'message.started', ...ids, model: 'echo' },
    { type: 'message.part', ...ids, index: at, part: { type: 'step-start' } },
    { type: 'message.part', ...ids, index: at + 1, part: { type: 'text', text: '' } },
    { type: 'message.delta', ...ids, part: at + 1, offset: 0, delta: text },
    { type: 'message.completed', conversationId, message: reply },
  ];
  return { events, reply };
}

const sse = (events: ChatStreamEvent[]) => sseResponse(events.map(frame)).response;
const bodyOf = (request: RecordedRequest | undefined) =>
  JSON.parse(request?.body ?? '') as Record<string, unknown>;
const route = (request: RecordedRequest) => `${request.method} ${request.path.replace(base, '…')}`;

const zone = clientTool({
  description: "The user's time zone",
  inputSchema: z.object({}),
  execute: () => 'Europe/Lisbon',
});

describe('client tools in a stream', () => {
  it('declares them, runs the call, posts its output and follows the reply on to its end', async () => {
    const first = waitingRun([call('call-1', 'get_time_zone', {})]);
    const answered = {
      ...first.reply.parts[1]!,
      state: 'output-available',
      output: 'Europe/Lisbon',
    } as ToolPart;
    const second = answeringRun([first.reply.parts[0]!, answered], 'It is Lisbon.');
    const execute = vi.fn(zone.execute);
    const { client, requests } = fakeClient([sse(first.events), sse(second.events)], {
      tools: { get_time_zone: { ...zone, execute } },
    });
    const stream = client.messages.stream(conversationId, { content: 'Where am I?' });
    const seen: ChatStreamEvent[] = [];
    for await (const event of stream) seen.push(event);

    expect(requests.map(route)).toEqual(['POST …', `POST …/${messageId}/tool-results`]);
    expect(bodyOf(requests[0]).tools).toEqual([
      {
        name: 'get_time_zone',
        description: "The user's time zone",
        inputSchema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: {},
        },
      },
    ]);
    expect(bodyOf(requests[1])).toEqual({ toolCallId: 'call-1', output: 'Europe/Lisbon' });
    expect(requests[1]?.headers.get('accept')).toBe('text/event-stream');
    expect(execute).toHaveBeenCalledWith(
      {},
      expect.objectContaining({ toolCallId: 'call-1', messageId, conversationId }),
    );
    // The answer's new state is yielded between the runs, as the participants are told of it.
    expect(seen.map((event) => event.type)).toEqual([
      ...first.events.map((event) => event.type),
      'message.part',
      ...second.events.map((event) => event.type),
    ]);
    expect(seen[first.events.length]).toMatchObject({ index: 1, part: answered });
    await expect(stream.finalMessage()).resolves.toEqual(second.reply);
    expect(stream.parts).toEqual(second.reply.parts);
  });

  it('answers invalid input and a throwing execute as errors, unrun; several calls: the last one follows', async () => {
    const execute = vi.fn((input: { city: string }) => input.city);
    const tools: ClientTools = {
      lookup: clientTool({
        description: 'A city',
        inputSchema: z.object({ city: z.string().min(2) }),
        execute,
      }),
      broken: clientTool({
        description: 'Fails',
        inputSchema: z.object({}),
        execute: () => {
          throw new Error('Out of order');
        },
      }),
    };
    const first = waitingRun([call('call-1', 'lookup', { city: 'x' }), call('call-2', 'broken', {})]);
    const second = answeringRun(first.reply.parts, 'Sorry.');
    const { client, requests } = fakeClient([
      sse(first.events),
      json(200, { reply: first.reply }),
      sse(second.events),
    ]);
    const stream = client.messages.stream(conversationId, { content: 'Go', tools });
    await expect(stream.finalMessage()).resolves.toEqual(second.reply);
    expect(execute).not.toHaveBeenCalled();
    const [, one, two] = requests;
    expect(bodyOf(one)).toMatchObject({
      toolCallId: 'call-1',
      errorText: expect.stringMatching(/^Invalid input for lookup: city: /),
    });
    expect(one?.headers.get('accept')).toBe('application/json');
    expect(bodyOf(two)).toEqual({ toolCallId: 'call-2', errorText: 'Out of order' });
    expect(two?.headers.get('accept')).toBe('text/event-stream');
  });

  it('ends awaiting_input when the reply also waits for something this client does not answer', async () => {
    const first = waitingRun([call('call-1', 'get_time_zone', {}), call('call-2', 'ask_user', { q: '?' })]);
    const { client, requests } = fakeClient([sse(first.events), json(200, { reply: first.reply })], {
      tools: {
        get_time_zone: zone,
        ask_user: { description: 'Ask', inputSchema: z.object({ q: z.string() }) },
      },
    });
    const stream = client.messages.stream(conversationId, { content: 'Go' });
    const reply = await stream.finalMessage();
    expect(reply.status).toBe('awaiting_input');
    expect(requests.map(route)).toEqual(['POST …', `POST …/${messageId}/tool-results`]);
    expect(bodyOf(requests[1])).toEqual({ toolCallId: 'call-1', output: 'Europe/Lisbon' });
  });

  it('a call answered meanwhile elsewhere (409): follows the reply from where it is', async () => {
    const first = waitingRun([call('call-1', 'get_time_zone', {})]);
    const second = answeringRun(first.reply.parts, 'Answered by the other tab.');
    const { client, requests } = fakeClient(
      [
        sse(first.events),
        errorResponse(409, 'conflict', 'This call has been answered already'),
        sse(second.events),
      ],
      { tools: { get_time_zone: zone } },
    );
    const stream = client.messages.stream(conversationId, { content: 'Go' });
    await expect(stream.finalMessage()).resolves.toEqual(second.reply);
    expect(requests[2]?.path).toBe(`${base}/${messageId}/stream?part=2&offset=0`);
  });

  it('abort() while a tool runs: the tool’s signal aborts, nothing is posted, the reply ends as stored', async () => {
    const first = waitingRun([call('call-1', 'slow', {})]);
    let toolSignal: AbortSignal | undefined;
    const slow = clientTool({
      description: 'Slow',
      inputSchema: z.object({}),
      execute: (_input, { signal }) => {
        toolSignal = signal;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    });
    const responder: Responder = (request) =>
      request.path.endsWith('/stop') ? json(200, first.reply) : sse(first.events);
    const { client, requests } = fakeClient(responder, { tools: { slow } });
    const stream = client.messages.stream(conversationId, { content: 'Go' });
    await vi.waitFor(() => expect(toolSignal).toBeDefined());
    await stream.abort();
    expect(toolSignal?.aborted).toBe(true);
    await expect(stream.finalMessage()).resolves.toEqual(first.reply);
    expect(requests.map(route)).toEqual(['POST …', `POST …/${messageId}/stop`]);
  });

  it('abort() while a tool that ignores its signal runs: the stream still ends, nothing is posted', async () => {
    const first = waitingRun([call('call-1', 'stuck', {})]);
    let started = false;
    const stuck = clientTool({
      description: 'Never answers',
      inputSchema: z.object({}),
      execute: () => {
        started = true;
        return new Promise(() => {});
      },
    });
    const responder: Responder = (request) =>
      request.path.endsWith('/stop') ? json(200, first.reply) : sse(first.events);
    const { client, requests } = fakeClient(responder, { tools: { stuck } });
    const stream = client.messages.stream(conversationId, { content: 'Go' });
    await vi.waitFor(() => expect(started).toBe(true));
    await stream.abort();
    await expect(stream.finalMessage()).resolves.toEqual(first.reply);
    expect(requests.map(route)).toEqual(['POST …', `POST …/${messageId}/stop`]);
  });

  it('a zod/mini schema needs its inputJsonSchema: without it the send fails before anything is sent', async () => {
    const { client, requests } = fakeClient([sse([])]);
    const mini = { description: 'Mini', inputSchema: zm.object({ n: zm.number() }) };
    const stream = client.messages.stream(conversationId, { content: 'Go', tools: { mini } });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(ChatwireError.isInstance(error)).toBe(true);
    expect(String(error)).toContain('inputJsonSchema');
    expect(requests).toHaveLength(0);

    const jsonSchema = zm.toJSONSchema(mini.inputSchema, { io: 'input' });
    const declared = fakeClient([sse(answeringRun([], 'ok').events)]);
    await declared.client.messages
      .stream(conversationId, { content: 'Go', tools: { mini: { ...mini, inputJsonSchema: jsonSchema } } })
      .finalMessage();
    expect(bodyOf(declared.requests[0]).tools).toEqual([
      { name: 'mini', description: 'Mini', inputSchema: jsonSchema },
    ]);
  });
});

describe('which stream runs a client tool', () => {
  it('resume runs the tools by default (the app asked); with runTools: false it only watches the reply', async () => {
    const first = waitingRun([call('call-1', 'get_time_zone', {})]);
    const second = answeringRun(first.reply.parts, 'Lisbon.');
    const execute = vi.fn(() => 'Europe/Lisbon');
    const tools = { get_time_zone: { ...zone, execute } };
    const resuming = fakeClient([sse(first.events), sse(second.events)], { tools });
    await expect(
      resuming.client.messages.resume(conversationId, messageId, { parts: [] }).finalMessage(),
    ).resolves.toEqual(second.reply);
    expect(execute).toHaveBeenCalledOnce();

    execute.mockClear();
    const watching = fakeClient([sse(first.events)], { tools });
    const stream = watching.client.messages.resume(conversationId, messageId, {
      parts: [],
      tools: { other: zone },
      runTools: false,
    });
    await expect(stream.finalMessage()).resolves.toEqual(first.reply);
    expect(execute).not.toHaveBeenCalled();
    expect(watching.requests.map(route)).toEqual([`GET …/${messageId}/stream?part=0&offset=0`]);
  });

  it('says which calls it runs while their execute runs, and none once they are answered', async () => {
    const first = waitingRun([call('call-1', 'get_time_zone', {}), call('call-2', 'get_time_zone', {})]);
    const second = answeringRun(first.reply.parts, 'Lisbon.');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = { ...zone, execute: () => gate.then(() => 'Europe/Lisbon') };
    const { client } = fakeClient(
      [sse(first.events), json(200, { reply: first.reply }), sse(second.events)],
      {
        tools: { get_time_zone: slow },
      },
    );
    const stream = client.messages.stream(conversationId, { content: 'Go' });
    const running: string[][] = [];
    stream.on('running', (calls) => {
      running.push(calls.map((part) => part.toolCallId));
      // Told none once the answers are in `parts`: a UI never sees them waiting in between.
      if (!calls.length) expect(stream.parts[1]).toMatchObject({ state: 'output-available' });
    });
    await vi.waitFor(() => expect(running).toEqual([['call-1', 'call-2']]));
    release();
    await stream.finalMessage();
    expect(running).toEqual([['call-1', 'call-2'], []]);
  });
});

describe('client tools without a stream', () => {
  it('the JSON send runs them and resolves with the reply gone on', async () => {
    const first = waitingRun([call('call-1', 'get_time_zone', {})]);
    const second = answeringRun(first.reply.parts, 'Lisbon.');
    const sent = message({ id: turn.userMessageId, role: 'user', content: 'Go' });
    const { client, requests } = fakeClient([
      json(201, { message: sent, reply: first.reply }),
      sse(second.events),
    ]);
    const result = await client.messages.send(conversationId, {
      content: 'Go',
      tools: { get_time_zone: zone },
    });
    expect(result).toEqual({ message: sent, reply: second.reply });
    expect(bodyOf(requests[0]).tools).toHaveLength(1);
    expect(requests.map(route)).toEqual(['POST …', `POST …/${messageId}/tool-results`]);
  });

  it('runClientTools answers a reply found waiting; with nothing to run it ends at once with it', async () => {
    const first = waitingRun([call('call-1', 'get_time_zone', {})]);
    const second = answeringRun(first.reply.parts, 'Lisbon.');
    const { client, requests } = fakeClient([sse(second.events)], { tools: { get_time_zone: zone } });
    await expect(client.messages.runClientTools(conversationId, first.reply).finalMessage()).resolves.toEqual(
      second.reply,
    );
    expect(requests).toHaveLength(1);

    const nothing = fakeClient([]);
    await expect(
      nothing.client.messages.runClientTools(conversationId, first.reply).finalMessage(),
    ).resolves.toEqual(first.reply);
    expect(nothing.requests).toHaveLength(0);
  });
});

describe('answers the app gives', () => {
  const waiting = waitingRun([call('call-1', 'ask_user', { q: '?' })]).reply;

  it('submitToolResultStream starts from the parts given, the answer applied, and streams the reply on', async () => {
    const answered = { ...waiting.parts[1]!, state: 'output-available', output: 'Tea' } as ToolPart;
    const second = answeringRun([waiting.parts[0]!, answered], 'Tea it is.');
    const { client, requests } = fakeClient([sse(second.events)]);
    const stream = client.messages.submitToolResultStream(conversationId, messageId, {
      toolCallId: 'call-1',
      output: 'Tea',
      parts: waiting.parts,
    });
    expect(stream.parts).toEqual([waiting.parts[0], answered]);
    await expect(stream.finalMessage()).resolves.toEqual(second.reply);
    expect(requests[0]?.path).toBe(`${base}/${messageId}/tool-results`);
    expect(bodyOf(requests[0])).toEqual({ toolCallId: 'call-1', output: 'Tea' });
  });

  it('approveToolCallStream: denied is output-denied at once; an answer that leaves the reply waiting ends at once', async () => {
    const asked = waitingRun([{ ...call('call-1', 'set_reminder', {}), state: 'approval-requested' }]).reply;
    const { client, requests } = fakeClient([json(200, { reply: asked })]);
    const stream = client.messages.approveToolCallStream(conversationId, messageId, {
      toolCallId: 'call-1',
      approved: false,
      reason: 'No',
      parts: asked.parts,
    });
    expect(stream.parts[1]).toMatchObject({
      state: 'output-denied',
      approval: { approved: false, reason: 'No' },
    });
    await expect(stream.finalMessage()).resolves.toEqual(asked);
    expect(requests[0]?.path).toBe(`${base}/${messageId}/tool-approvals`);
    expect(bodyOf(requests[0])).toEqual({ toolCallId: 'call-1', approved: false, reason: 'No' });
  });

  it('submitToolResult (JSON) answers { reply }; a 409 is a ConflictError', async () => {
    const { client } = fakeClient([json(200, { reply: waiting }), errorResponse(409, 'conflict')]);
    const body = { toolCallId: 'call-1', output: 'Tea' };
    await expect(client.messages.submitToolResult(conversationId, messageId, body)).resolves.toEqual({
      reply: waiting,
    });
    await expect(client.messages.submitToolResult(conversationId, messageId, body)).rejects.toMatchObject({
      name: 'ConflictError',
      status: 409,
    });
  });
});
