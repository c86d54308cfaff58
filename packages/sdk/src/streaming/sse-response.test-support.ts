/**
 * Test support (not part of the SDK): SSE responses built from a list of writes, as a server
 * would send them, and the events of one assistant turn.
 */
import { fixtureMessage } from '../client/fake-fetch.test-support.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import type { Message } from '../contracts/resources.js';

export const turn = {
  conversationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  userMessageId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60',
  replyId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61',
} as const;

/** A stored message of the test conversation: by default the reply. */
export function message(overrides: Partial<Message> = {}): Message {
  return fixtureMessage({
    id: turn.replyId,
    conversationId: turn.conversationId,
    senderId: null,
    role: 'assistant',
    model: 'echo',
    ...overrides,
  });
}

/** The events of a turn whose reply is one text part written as `deltas`, in the order the server sends them. */
export function turnEvents(deltas: string[], final: Partial<Message> = {}): ChatStreamEvent[] {
  const { conversationId, replyId } = turn;
  const messageId = replyId;
  const events: ChatStreamEvent[] = [
    {
      type: 'message.created',
      conversationId,
      message: message({ id: turn.userMessageId, role: 'user', content: 'Hi', model: null }),
    },
    { type: 'message.started', conversationId, messageId, model: 'echo' },
    { type: 'message.part', conversationId, messageId, index: 0, part: { type: 'step-start' } },
    { type: 'message.part', conversationId, messageId, index: 1, part: { type: 'text', text: '' } },
  ];
  let offset = 0;
  for (const delta of deltas) {
    events.push({ type: 'message.delta', conversationId, messageId, part: 1, offset, delta });
    offset += delta.length;
  }
  const text = deltas.join('');
  events.push({
    type: 'message.completed',
    conversationId,
    message: message({ content: text, parts: [{ type: 'step-start' }, { type: 'text', text }], ...final }),
  });
  return events;
}

/** `turnEvents` up to (not including) the `n`-th delta: a stream cut there. */
export const upToDelta = (events: ChatStreamEvent[], n: number) => events.slice(0, 4 + n);

/** One event in the wire format: `event:` is its type, `data:` the JSON. */
export const frame = (event: ChatStreamEvent): string =>
  `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/** How the body ends after its writes: closed, failed (a dropped connection), or never. */
export type Ending = 'close' | 'error' | 'hang';

/**
 * An SSE `Response` whose body yields `writes` one per read, then ends as `ending` says.
 * `cancelled` tells whether the reader cancelled the body.
 */
export function sseResponse(writes: Array<string | Uint8Array>, ending: Ending = 'close') {
  const encoder = new TextEncoder();
  const state = { cancelled: false, reads: 0 };
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.reads += 1;
      const write = writes[index++];
      if (write !== undefined) {
        controller.enqueue(typeof write === 'string' ? encoder.encode(write) : write);
        return;
      }
      if (ending === 'close') controller.close();
      else if (ending === 'error') controller.error(new TypeError('terminated'));
      else return new Promise<void>(() => {});
    },
    cancel() {
      state.cancelled = true;
    },
  });
  const response = new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req-stream' },
  });
  return { response, state };
}
