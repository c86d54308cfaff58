/**
 * Test support (not part of the SDK): a `fetch` that records requests and answers from a script,
 * and the fixtures every suite shares (ids, tokens, a user, a message).
 */
import type { Conversation, Message, Tokens } from '../contracts/resources.js';

/** A request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

/** Answers one request. */
export type Responder = (request: RecordedRequest) => Response | Promise<Response>;

/**
 * A fake `fetch`. Given a list, answers the n-th request with the n-th entry (a `Response` or a
 * responder); given a function, answers every request with it.
 */
export function fakeFetch(script: Responder | Array<Response | Responder>) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const recorded: RecordedRequest = {
      method: request.method,
      url: request.url,
      path: url.pathname + url.search,
      headers: request.headers,
      body: request.body ? await request.text() : '',
      signal: request.signal,
    };
    const index = requests.push(recorded) - 1;
    const entry = typeof script === 'function' ? script : script[index];
    if (!entry) throw new Error(`fakeFetch: no answer scripted for request #${index + 1} ${recorded.url}`);
    return typeof entry === 'function' ? entry(recorded) : entry;
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** An error envelope response. */
export function errorResponse(
  status: number,
  code: string,
  message = `${code} happened`,
  headers: Record<string, string> = {},
): Response {
  return json(status, { error: { code, message, requestId: `req-${code}` } }, headers);
}

/** A responder that never answers until the request is aborted (then rejects like fetch does). */
export const hang: Responder = (request) =>
  new Promise((_, reject) => {
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
  });

/** Tokens for tests. */
export function tokens(name: string): Tokens {
  return {
    accessToken: `access-${name}`,
    refreshToken: `refresh-${name}`,
    tokenType: 'bearer',
    expiresIn: 900,
  };
}

export const ids = {
  conversation: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  message: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
  user: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d',
} as const;

/**
 * A stored message with `overrides`: by default the user's, complete, in the test conversation.
 * The one `Message` literal of the tests, so that a field the contract adds is filled in once.
 */
export function fixtureMessage(overrides: Partial<Message> = {}): Message {
  const content = overrides.content ?? '';
  return {
    id: ids.message,
    parts: content ? [{ type: 'text', text: content }] : [],
    conversationId: ids.conversation,
    senderId: ids.user,
    role: 'user',
    content: '',
    status: 'complete',
    clientMessageId: null,
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    reactions: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    editedAt: null,
    mentions: [],
    parentId: null,
    thread: null,
    alsoInConversation: false,
    quoted: null,
    pinnedAt: null,
    pinnedBy: null,
    ...overrides,
  };
}

/** An assistant conversation with `overrides`: the one `Conversation` literal of the tests. */
export function fixtureConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: ids.conversation,
    type: 'assistant',
    title: null,
    participants: [],
    model: 'echo',
    systemPrompt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastMessage: null,
    unreadCount: 0,
    assistant: null,
    unreadMentionCount: 0,
    ...overrides,
  };
}

export const user = {
  id: ids.user,
  email: 'ada@example.com',
  displayName: 'Ada',
  avatarUrl: null,
  statusText: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** Records the delays asked for and returns at once. */
export function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { delays, sleep };
}
