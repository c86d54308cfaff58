/**
 * Reading a server-sent-event response as it arrives, for tests that talk to the wire directly:
 * the events (each `data:` parsed), a promise of the end, and a wait for a condition on them.
 */

/** An SSE response being read. */
export interface SseReader<Event = { type: string }> {
  /** The events so far, in order. */
  readonly events: Event[];
  /** The response's status, once its head has come (`0` before). */
  readonly status: number;
  /** Resolves once the response has ended. */
  readonly done: Promise<void>;
  /** Resolves once `match` holds for the events; rejects if the stream ends first. */
  until(match: (events: readonly Event[]) => boolean): Promise<void>;
}

/**
 * Sends a request asking for `text/event-stream` (a POST when there is a `body`) and reads the
 * answer as it comes.
 *
 * @example
 * ```ts
 * const stream = readSse(`${server.url}/v1/conversations/${id}/messages`, { token, body: { content: 'Hi' } });
 * await stream.until((events) => events.some((event) => event.type === 'message.delta'));
 * await stream.done;
 * ```
 */
export function readSse<Event = { type: string }>(
  url: string,
  init: { token: string; body?: unknown; method?: string },
): SseReader<Event> {
  const events: Event[] = [];
  const waiters = new Set<() => void>();
  let status = 0;
  const done = (async () => {
    try {
      const response = await fetch(url, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          accept: 'text/event-stream',
          authorization: `Bearer ${init.token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      status = response.status;
      let buffer = '';
      const decoder = new TextDecoder();
      for await (const piece of response.body ?? []) {
        buffer += decoder.decode(piece, { stream: true });
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks) {
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (data) events.push(JSON.parse(data) as Event);
        }
        for (const waiter of waiters) waiter();
      }
    } finally {
      for (const waiter of waiters) waiter();
    }
  })();
  let ended = false;
  void done.then(
    () => {
      ended = true;
    },
    () => {
      ended = true;
    },
  );
  return {
    events,
    get status() {
      return status;
    },
    done,
    until(match) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (match(events)) {
            waiters.delete(check);
            resolve();
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`the stream ended first: ${JSON.stringify(events)}`));
          }
        };
        waiters.add(check);
        check();
        void done.finally(() => setImmediate(check));
      });
    },
  };
}
