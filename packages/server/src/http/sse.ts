/**
 * Server-sent events on a hijacked Fastify reply: headers set by hooks (CORS) are carried over,
 * writes honour backpressure, and comment heartbeats keep proxies from closing an idle stream.
 */
import type { FastifyReply } from 'fastify';

export interface SseStream {
  /** Writes one event: `event:` is its `type`, `data:` the whole object as JSON. */
  send(event: { type: string }): Promise<void>;
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
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();
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

  return {
    signal: controller.signal,
    get closed() {
      return ended;
    },
    async send(event) {
      if (ended) return;
      const ok = raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      if (!ok && !ended) {
        await new Promise<void>((resolve) => {
          const done = () => {
            raw.off('drain', done);
            raw.off('close', done);
            resolve();
          };
          raw.once('drain', done);
          raw.once('close', done);
        });
      }
    },
    end() {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      raw.off('close', onClose);
      raw.end();
    },
  };
}
