/**
 * Reading a `text/event-stream` body with nothing but web streams, `TextDecoder` and
 * eventsource-parser, so it runs wherever `fetch` does: browsers, Node, Bun, Deno, edge runtimes.
 */
import { createParser } from 'eventsource-parser';

/**
 * Reads `body` to its end, calling `onData` with the `data` of each event as it completes, or
 * until `signal` aborts (then it resolves early, the body cancelled).
 *
 * Chunks may split anything — a line, a field, a multi-byte UTF-8 character: the decoder keeps
 * the bytes of an unfinished character (`stream: true`) and the parser the text of an unfinished
 * event. Comments (`: keep-alive` heartbeats) and the `retry` field are ignored. Rejects with the
 * body's own error if the connection fails; an error thrown by `onData` stops the reading and
 * rejects too (the body is cancelled).
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onData: (data: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const parser = createParser({ onEvent: (event) => onData(event.data) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  // `fetch` ends its body when its signal aborts, but not every `fetch` (or body) given to the
  // client does: cancelling here ends the pending read in any case.
  const cancel = () => reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', cancel, { once: true });
  try {
    while (!signal.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    // A final event without its blank line is incomplete by the SSE rules: it is dropped.
  } catch (error) {
    // Also frees the connection when `onData` gave up on the stream.
    reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
}
