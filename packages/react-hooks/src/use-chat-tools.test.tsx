// @vitest-environment happy-dom
/**
 * useChat with tools against a real server (echo, which calls a tool the prompt names, and the
 * demo tools): a client tool that runs by itself, one the user answers, approvals — the parts of
 * each reply and what it waits for.
 */

import { clientTool, type ToolInputSchema, type ToolPart } from '@chatwire/sdk';
import { demoTools } from '@chatwire/server';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { recording, renderFor, signUp, startServer, type TestServer } from './server.test-support.js';
import { useChat } from './use-chat.js';

afterEach(cleanup);

/** A Standard Schema of any object (the hooks take any, not only zod's). */
const anyObject: ToolInputSchema<Record<string, unknown>> = {
  '~standard': {
    validate: (value) =>
      typeof value === 'object' && value !== null
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'Expected an object' }] },
    jsonSchema: { input: () => ({ type: 'object' }) },
  },
};

const toolsOf = (parts: readonly { type: string }[]) =>
  parts.filter((part): part is ToolPart => part.type === 'tool');

describe('useChat with tools', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ tools: demoTools });
  });
  afterAll(() => server.close());

  it('a client tool with execute runs by itself: the reply shows its output, then the answer', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const execute = vi.fn(() => 'Asia/Kathmandu');
    const tools = {
      get_time_zone: clientTool({ description: 'The time zone', inputSchema: anyObject, execute }),
    };
    const seen = recording(() => useChat(chat.id, { tools }));
    const { result } = renderFor(ada, seen.hook);
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    act(() => void result.current.send('please use get_time_zone {}'));
    await waitFor(() => expect(result.current.messages[1]?.status).toBe('complete'), { timeout: 5000 });
    expect(result.current.status).toBe('ready');
    expect(execute).toHaveBeenCalledOnce();
    const reply = result.current.messages[1]!;
    expect(toolsOf(reply.parts)).toMatchObject([
      { toolName: 'get_time_zone', state: 'output-available', output: 'Asia/Kathmandu' },
    ]);
    expect(reply.content).toBe('The get_time_zone tool answered: Asia/Kathmandu.');
    expect(result.current.pendingToolCalls).toEqual({ toolResults: [], approvals: [] });
    const stored = (await ada.client.messages.list(chat.id)).items[1];
    expect(reply).toMatchObject({ id: stored?.id, parts: stored?.parts });
  });

  it('a call this client runs right now is not in pendingToolCalls (its answer comes by itself)', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    let release!: (zone: string) => void;
    const execute = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const tools = {
      get_time_zone: clientTool({ description: 'The time zone', inputSchema: anyObject, execute }),
    };
    const { result } = renderFor(ada, () => useChat(chat.id, { tools }));
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    act(() => void result.current.send('please use get_time_zone {}'));
    await waitFor(() => expect(execute).toHaveBeenCalledOnce(), { timeout: 5000 });
    await waitFor(() => expect(result.current.status).toBe('awaiting_input'));
    expect(toolsOf(result.current.messages[1]!.parts)[0]).toMatchObject({ state: 'input-available' });
    expect(result.current.pendingToolCalls).toEqual({ toolResults: [], approvals: [] });

    act(() => release('Asia/Kathmandu'));
    await waitFor(() => expect(result.current.messages[1]?.status).toBe('complete'), { timeout: 5000 });
    expect(result.current.pendingToolCalls).toEqual({ toolResults: [], approvals: [] });
    expect(result.current.error).toBeNull();
  });

  it('one without execute waits for addToolResult; the pending call is in pendingToolCalls', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const tools = { ask_user: clientTool({ description: 'Ask the user', inputSchema: anyObject }) };
    const { result } = renderFor(ada, () => useChat(chat.id, { tools }));
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    act(() => void result.current.send('use ask_user {"question":"Tea or coffee?"}'));
    await waitFor(() => expect(result.current.status).toBe('awaiting_input'), { timeout: 5000 });
    const [pending] = result.current.pendingToolCalls.toolResults;
    expect(pending).toMatchObject({
      messageId: result.current.messages[1]?.id,
      toolCall: { toolName: 'ask_user', state: 'input-available', input: { question: 'Tea or coffee?' } },
    });

    act(() => void result.current.addToolResult({ toolCallId: pending!.toolCall.toolCallId, output: 'Tea' }));
    // Shown at once, before the server has answered.
    expect(toolsOf(result.current.messages[1]!.parts)[0]).toMatchObject({
      state: 'output-available',
      output: 'Tea',
    });
    expect(result.current.pendingToolCalls.toolResults).toEqual([]);
    await waitFor(() => expect(result.current.status).toBe('ready'), { timeout: 5000 });
    expect(result.current.messages[1]).toMatchObject({
      status: 'complete',
      content: 'The ask_user tool answered: Tea.',
    });
    expect(result.current.error).toBeNull();
  });

  it('a server tool needing approval: in pendingToolCalls.approvals, denied with approveToolCall', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const { result } = renderFor(ada, () => useChat(chat.id));
    await waitFor(() => expect(result.current.isLoading).toBe(false));

    act(
      () => void result.current.send('use set_reminder {"text":"Stretch","at":"2030-01-31T09:00:00+01:00"}'),
    );
    await waitFor(() => expect(result.current.pendingToolCalls.approvals).toHaveLength(1), { timeout: 5000 });
    expect(result.current.status).toBe('awaiting_input');
    const { toolCall } = result.current.pendingToolCalls.approvals[0]!;
    expect(toolCall).toMatchObject({ toolName: 'set_reminder', state: 'approval-requested' });

    await act(() =>
      result.current.approveToolCall({ toolCallId: toolCall.toolCallId, approved: false, reason: 'Later' }),
    );
    await waitFor(() => expect(result.current.status).toBe('ready'));
    const reply = result.current.messages[1]!;
    expect(toolsOf(reply.parts)[0]).toMatchObject({
      state: 'output-denied',
      approval: { approved: false, reason: 'Later' },
    });
    expect(reply.content).toBe('The set_reminder tool call was denied: Later.');
    expect(result.current.pendingToolCalls.approvals).toEqual([]);
  });

  it('a second answer is refused: the turn shows the ConflictError', async () => {
    const ada = await signUp(server.url, 'ada');
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const { result } = renderFor(ada, () => useChat(chat.id));
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    act(() => void result.current.send('use set_reminder {"text":"Nap","at":"2030-01-31T09:00:00+01:00"}'));
    await waitFor(() => expect(result.current.pendingToolCalls.approvals).toHaveLength(1), { timeout: 5000 });
    const { toolCallId } = result.current.pendingToolCalls.approvals[0]!.toolCall;
    // Answered elsewhere first (another device), then here.
    await ada.client.messages.approveToolCall(chat.id, result.current.messages[1]!.id, {
      toolCallId,
      approved: false,
    });
    await act(() => result.current.approveToolCall({ toolCallId, approved: true }));
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error).toMatchObject({ name: 'ConflictError', status: 409 });
  });
});
