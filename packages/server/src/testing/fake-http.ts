/**
 * What both provider fakes share: a real HTTP server on 127.0.0.1 (port 0, so suites run in
 * parallel), request recording, and writing a body in deliberately awkward TCP pieces.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  /**
   * `true` when the client went away before the fake finished its answer (an abort or a
   * timeout on the client side); a `drop` scripted by the fake does not count.
   */
  aborted: boolean;
  /** Settles once the connection for this request closed, whoever closed it. */
  closed: Promise<void>;
}

/** A running fake. */
export interface FakeServerHandle {
  /** `http://127.0.0.1:<port>`: append the API's base path. */
  url: string;
  requests: RecordedRequest[];
  /** Stops the server, cutting any stalled response. */
  close(): Promise<void>;
}

/**
 * How a body is cut into TCP writes:
 * - `whole`: one write per payload;
 * - `mixed` (default): a repeating pattern of whole payloads, payloads split mid-line, and
 *   two payloads glued into one write;
 * - `{ bytes }`: fixed-size byte slices, which also split multi-byte UTF-8 characters.
 */
export type WritePlan = 'whole' | 'mixed' | { bytes: number };

/** Pacing and ending of a streamed answer. */
export interface StreamTiming {
  /** Wait before sending the status line and headers. */
  headersDelayMs?: number;
  /** Wait between the headers and the first write. */
  firstChunkDelayMs?: number;
  /** Wait between writes. Default 0 (still a separate event-loop turn per write). */
  chunkDelayMs?: number;
  writes?: WritePlan;
}

/** Context a fake's handler gets for one request. */
export interface FakeExchange {
  request: RecordedRequest;
  response: ServerResponse;
  /** Resolves after `ms`, or early once the client is gone. */
  wait(ms: number): Promise<void>;
  /** `true` once the connection closed. */
  isClosed(): boolean;
  /** Cuts the connection from the server side, as a crashing upstream would. */
  drop(): void;
}

/** Starts a fake on 127.0.0.1:0 that records every request and hands it to `handle`. */
export async function startFakeServer(
  handle: (exchange: FakeExchange) => Promise<void>,
): Promise<FakeServerHandle> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    let droppedByServer = false;
    let closed = false;
    let markClosed: () => void = () => {};
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: undefined,
      aborted: false,
      closed: new Promise((resolve) => {
        markClosed = resolve;
      }),
    };
    requests.push(record);
    // `res` 'close' before `writableFinished` means the answer was cut short. (A request's own
    // 'close' also fires after a normal body read, so it cannot tell an abort apart.)
    res.on('close', () => {
      closed = true;
      record.aborted = !res.writableFinished && !droppedByServer;
      markClosed();
    });

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      record.body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      record.body = raw;
    }

    const exchange: FakeExchange = {
      request: record,
      response: res,
      isClosed: () => closed,
      wait: (ms) =>
        new Promise((resolve) => {
          if (closed || ms <= 0) return resolve();
          const done = () => {
            clearTimeout(timer);
            res.off('close', done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          res.once('close', done);
        }),
      drop: () => {
        droppedByServer = true;
        res.socket?.destroy();
      },
    };
    try {
      await handle(exchange);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake failed: ${String(error)}`);
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `payloads` (already framed: SSE events or NDJSON lines) after the headers were
 * sent, cut per `plan`, one event-loop turn apart so they leave as separate TCP writes.
 * Resolves `false` if the client went away first.
 */
export async function writePayloads(
  exchange: FakeExchange,
  payloads: readonly string[],
  timing: StreamTiming,
  isFirst: { value: boolean },
): Promise<boolean> {
  for (const piece of planWrites(payloads, timing.writes ?? 'mixed')) {
    await exchange.wait(isFirst.value ? (timing.firstChunkDelayMs ?? 0) : (timing.chunkDelayMs ?? 0));
    isFirst.value = false;
    if (exchange.isClosed()) return false;
    exchange.response.write(piece);
    await nextTurn();
  }
  return !exchange.isClosed();
}

/** Cuts framed payloads into the byte pieces to write (see {@link WritePlan}). */
export function planWrites(payloads: readonly string[], plan: WritePlan): Buffer[] {
  if (typeof plan === 'object') {
    const all = Buffer.from(payloads.join(''), 'utf8');
    const pieces: Buffer[] = [];
    for (let at = 0; at < all.length; at += plan.bytes) pieces.push(all.subarray(at, at + plan.bytes));
    return pieces;
  }
  if (plan === 'whole') return payloads.map((payload) => Buffer.from(payload, 'utf8'));
  const pieces: Buffer[] = [];
  for (let i = 0; i < payloads.length; i += 1) {
    const payload = payloads[i]!;
    if (i % 3 === 1) {
      // Mid-line, by bytes: may land inside a multi-byte character too.
      const bytes = Buffer.from(payload, 'utf8');
      const cut = Math.max(1, Math.floor(bytes.length / 2));
      pieces.push(bytes.subarray(0, cut), bytes.subarray(cut));
    } else if (i % 3 === 2 && i + 1 < payloads.length) {
      pieces.push(Buffer.from(payload + payloads[i + 1]!, 'utf8'));
      i += 1;
    } else {
      pieces.push(Buffer.from(payload, 'utf8'));
    }
  }
  return pieces;
}
