/**
 * What the streaming journeys share: a chatwire server pointed at a provider fake, signed-in SDK
 * clients, assistant conversations, and OpenAI chunks built from text pieces.
 */
import type { ChatStream, ChatStreamEvent, Message } from '@chatwire/sdk';
import { type AppOptionsInput, type ProviderTimeouts, resolveModels } from '@chatwire/server';
import {
  type FakeOpenAIScript,
  type FakeServerHandle,
  type RecordedRequest,
  startFakeOpenAI,
  startTestServer,
  type TestServer,
} from '@chatwire/server/testing';
import { type SignedIn, signUp } from '../support/clients.js';

export interface Setup {
  server: TestServer;
  fake: FakeServerHandle;
  close(): Promise<void>;
}

/** A chatwire server whose `fast` model (the default) is the OpenAI fake answering `script`. */
export async function withOpenAIFake(
  script: FakeOpenAIScript | ((request: RecordedRequest) => FakeOpenAIScript),
  options: AppOptionsInput & { timeouts?: ProviderTimeouts } = {},
): Promise<Setup> {
  const { timeouts, ...serverOptions } = options;
  const fake = await startFakeOpenAI(script);
  const server = await startTestServer({
    models: resolveModels(
      { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test' },
      timeouts ? { timeouts } : {},
    ),
    ...serverOptions,
  });
  return {
    server,
    fake,
    close: () => closeAll(server, fake),
  };
}

/**
 * Closes servers without waiting for idle keep-alive sockets: `fetch` may open a connection it
 * then does not use, which Node's `close()` waits for until the client's keep-alive timeout (4 s).
 */
export async function closeAll(server: TestServer, ...fakes: FakeServerHandle[]): Promise<void> {
  server.app.server.closeAllConnections();
  await server.close();
  await Promise.all(fakes.map((fake) => fake.close()));
}

/** A new user and an assistant conversation of theirs. */
export async function assistantChat(
  server: TestServer,
  conversation: { model?: string; systemPrompt?: string } = {},
): Promise<SignedIn & { chatId: string }> {
  const signedIn = await signUp(server.url, 'streamer');
  const chat = await signedIn.client.conversations.create({ type: 'assistant', ...conversation });
  return { ...signedIn, chatId: chat.id };
}

/** One OpenAI stream chunk of `choices` (as `gpt-4o-mini` sends them). */
function openAIChunk(choices: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 'chatcmpl-journey',
    object: 'chat.completion.chunk',
    created: 1752134000,
    model: 'gpt-4o-mini-2024-07-18',
    choices,
    usage: null,
    ...extra,
  });
}

const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
  index: 0,
  delta,
  logprobs: null,
  finish_reason: finish,
});

const usageChunk = (prompt: number, completion: number) =>
  openAIChunk([], {
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });

/** OpenAI stream payloads spelling out `pieces`, then the finish and usage chunks. */
export function openAIChunks(
  pieces: readonly string[],
  usage = { prompt: 12, completion: pieces.length },
): string[] {
  return [
    openAIChunk([choice({ role: 'assistant', content: '' })]),
    ...pieces.map((piece) => openAIChunk([choice({ content: piece })])),
    openAIChunk([choice({}, 'stop')]),
    usageChunk(usage.prompt, usage.completion),
  ];
}

/** A reasoning model's payloads (DeepSeek's `reasoning_content`): its reasoning, then its answer. */
export function openAIReasoningChunks(reasoning: readonly string[], answer: readonly string[]): string[] {
  return [
    openAIChunk([choice({ role: 'assistant', content: null, reasoning_content: '' })]),
    ...reasoning.map((piece) => openAIChunk([choice({ content: null, reasoning_content: piece })])),
    ...answer.map((piece) => openAIChunk([choice({ content: piece })])),
    openAIChunk([choice({}, 'stop')]),
    usageChunk(12, reasoning.length + answer.length),
  ];
}

/** A call of tool `name` whose arguments (JSON) stream in `pieces`, then the `tool_calls` finish. */
export function openAIToolCallChunks(
  call: { id: string; name: string },
  pieces: readonly string[],
): string[] {
  const toolCall = (fields: Record<string, unknown>) => ({ tool_calls: [{ index: 0, ...fields }] });
  return [
    openAIChunk([
      choice({
        role: 'assistant',
        content: null,
        ...toolCall({ id: call.id, type: 'function', function: { name: call.name, arguments: '' } }),
      }),
    ]),
    ...pieces.map((piece) => openAIChunk([choice(toolCall({ function: { arguments: piece } }))])),
    openAIChunk([choice({}, 'tool_calls')]),
    usageChunk(20, pieces.length),
  ];
}

/** Every event of a stream, and what it threw at the end (if anything). */
export async function drain(stream: ChatStream): Promise<{ events: ChatStreamEvent[]; error: unknown }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** The messages of a conversation, oldest first (a page is enough for a journey). */
export async function history(signedIn: SignedIn, chatId: string): Promise<Message[]> {
  return (await signedIn.client.messages.list(chatId, { limit: 100 })).items;
}

/** The message `id` as stored. */
export async function stored(signedIn: SignedIn, chatId: string, id: string): Promise<Message | undefined> {
  return (await history(signedIn, chatId)).find((message) => message.id === id);
}
