/**
 * Server-sent events on a hijacked Fastify reply: headers set by hooks (CORS, the API's security
 * and cache headers) are carried over, writes honour backpressure, and comment heartbeats keep
 * proxies from closing an idle stream.
 *
 * Events sent in the same event-loop turn leave in one socket write. A provider hands over a whole
 * network read of chunks at once (hundreds of tiny deltas under load), and one `write` per event
 * made a syscall each: measured with 200k one-token deltas, the writes were the largest cost of a
 * stream (see bench/sse.mjs). Each event is still its own SSE event; only the writes are merged.
 */
import type { FastifyReply } from 'fastify';

/** Events buffered for the next write past which the sender waits for the socket (bytes, roughly). */
const flushAtChars = 64 * 1024;

/** The event a stream is mostly made of, written without `JSON.stringify` of the whole object. */
interface DeltaEvent {
  type: 'message.delta';
  conversationId: string;
  messageId: string;
  part: number;
  offset: number;
  delta: string;
}

function isDelta(event: { type: string }): event is DeltaEvent {
  return event.type === 'message.delta';
}

export interface SseStream {
  /**
   * Queues one event (`event:` is its `type`, `data:` the whole object as JSON) for this turn's
   * write. Returns a promise only when the sender should wait: the socket is backed up.
   */
  send(event: { type: string }): Promise<void> | undefined;
  end(): void;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  readonly closed: boolean;
}

export function wantsEventStream(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes('text/event-stream');
}

export function openSse(reply: FastifyReply, options: { heartbeatMs?: number } = {}): SseStream {
  const raw = reply.raw;
  const controller = new AbortController();
  reply.hijack();
  raw.writeHead(200, {
    // The hooks' headers: CORS, the request id, and the API's own (response-headers.ts).
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    // A user's reply: stored by no cache (as every API answer); `no-transform` keeps proxies
    // from compressing, hence buffering, the stream.
    'cache-control': 'no-store, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  // No `flushHeaders()`: the head leaves with the first event (queued right after this), in one
  // write rather than two.
  let ended = false;
  const onClose = () => {
    ended = true;
    clearInterval(heartbeat);
    controller.abort();
  };
  raw.on('close', onClose);
  const heartbeat = setInterval(() => {
    if (!ended) raw.write(': keep-alive\n\n');
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  // A client that left while the request was being handled (storing the user message) closed the
  // socket before this listener existed: without this the reply would generate for nobody.
  if (!raw.socket || raw.socket.destroyed) onClose();

  /** Events not yet written: they leave together at the end of this turn (or when too many). */
  let pending = '';
  // A delta's event is the same text up to `offset` for the whole reply: that part is built once,
  // and per delta only the delta string is JSON-encoded (stringifying the whole object, ids and
  // all, was most of the cost of a send). Same JSON, same key order as `JSON.stringify(event)`.
  let deltaHead = '';
  let deltaOf: { conversationId: string; messageId: string } | undefined;
  const deltaText = (event: DeltaEvent) => {
    if (deltaOf?.messageId !== event.messageId || deltaOf.conversationId !== event.conversationId) {
      deltaOf = { conversationId: event.conversationId, messageId: event.messageId };
      deltaHead = `event: message.delta\ndata: {"type":"message.delta","conversationId":${JSON.stringify(event.conversationId)},"messageId":${JSON.stringify(event.messageId)},"part":`;
    }
    return `${deltaHead}${event.part},"offset":${event.offset},"delta":${JSON.stringify(event.delta)}}\n\n`;
  };
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (ended || !pending) return;
    const chunk = pending;
    pending = '';
    raw.write(chunk);
    // Node corks the socket on a response's write until its next `process.nextTick`, and ticks wait
    // for the whole microtask queue: a provider's read handled in one go (its deltas, then the
    // reply's durable completion) held the first delta back until the end. Out now.
    raw.socket?.uncork();
  };
  // One wait shared by every send until the socket drains: a sender may queue a whole batch of
  // events before it awaits, and a listener pair per event piled up on the response.
  let draining: Promise<void> | undefined;
  const drained = () => {
    draining ??= new Promise<void>((resolve) => {
      const done = () => {
        raw.off('drain', done);
        raw.off('close', done);
        draining = undefined;
        resolve();
      };
      raw.once('drain', done);
      raw.once('close', done);
    });
    return draining;
  };

  return {
    signal: controller.signal,
    get closed() {
      return ended;
    },
    send(event) {
      if (ended) return undefined;
      pending += isDelta(event)
        ? deltaText(event)
        : `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
      if (pending.length >= flushAtChars) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
      // Backpressure: a client reading slower than the model writes holds the generation back.
      return raw.writableNeedDrain && !ended ? drained() : undefined;
    },
    end() {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      raw.off('close', onClose);
      raw.end(pending);
      pending = '';
    },
  };
}
