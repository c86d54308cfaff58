/**
 * The Redis broker's reader: one dedicated connection blocked in `XREAD` on the shared stream,
 * from the last id it read, delivering each entry to the listeners in the stream's order, and
 * telling the gap listeners when entries were lost before it read them (see redis-broker.ts).
 */
import { backoffMs, type RedisClient } from '../redis/redis-client.js';
import type { BrokerListener, BrokerMessage } from './broker.js';
import { entriesOf, fieldOf, positionOf, type RawEntry } from './redis-stream.js';

/** Where a reader starts: the stream's last entry when the broker started. */
export interface ReaderStart {
  /** The id to read after. */
  lastId: string;
  /** The `n` of that entry (the counter's value at start). */
  lastN: number;
  /** The position delivered before any entry: `Broker.position()` until the first one. */
  position: number;
}

export interface StreamReaderDeps {
  /** The reader's own connection: blocked in `XREAD`, it serves nothing else. */
  reader: RedisClient;
  key: string;
  /** Entries per `XREAD`. */
  readCount: number;
  start: ReaderStart;
  onError: (error: Error) => void;
}

export interface StreamReader {
  subscribe(listener: BrokerListener): () => void;
  subscribeGaps(listener: () => void): () => void;
  /** The last position delivered (the start position before any). */
  position(): number;
  /** Forgets the listeners and ends the read loop (destroying the reader's connection). */
  stop(): Promise<void>;
}

/**
 * Starts reading after `start.lastId`.
 *
 * @example
 * ```ts
 * const stream = startStreamReader({ reader, key, readCount: 500, start, onError });
 * const unsubscribe = stream.subscribe((message, position) => deliver(message, position));
 * ```
 */
export function startStreamReader(deps: StreamReaderDeps): StreamReader {
  const { reader, onError } = deps;
  let { lastId, lastN, position: lastPosition } = deps.start;
  const listeners = new Set<BrokerListener>();
  const gapListeners = new Set<() => void>();
  let stopped = false;

  function reportGap(id: string, n: number): void {
    onError(new Error(`Redis broker: entries before ${id} were lost (n ${lastN} → ${n}): resync`));
    for (const listener of gapListeners) {
      try {
        listener();
      } catch (error) {
        onError(error as Error);
      }
    }
  }

  function deliver([id, fields]: RawEntry): void {
    // Guarded to keep increasing: more than 1,000 entries in one millisecond would otherwise
    // reach into the next millisecond's range.
    lastPosition = Math.max(positionOf(id) ?? 0, lastPosition + 1);
    const n = Number(fieldOf(fields, 'n'));
    if (Number.isSafeInteger(n)) {
      if (n !== lastN + 1) reportGap(id, n);
      lastN = n;
    }
    let message: BrokerMessage;
    try {
      message = JSON.parse(fieldOf(fields, 'm') ?? '') as BrokerMessage;
    } catch (error) {
      onError(new Error(`Redis broker: unreadable entry ${id} skipped`, { cause: error }));
      return;
    }
    for (const listener of listeners) {
      try {
        listener(message, lastPosition);
      } catch (error) {
        // One failing listener must not stop delivery to the others, nor the reader.
        onError(error as Error);
      }
    }
  }

  async function readLoop(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      try {
        const reply = await reader.sendCommand([
          'XREAD',
          'COUNT',
          String(deps.readCount),
          'BLOCK',
          '0',
          'STREAMS',
          deps.key,
          lastId,
        ]);
        failures = 0;
        for (const entry of entriesOf(reply)) {
          lastId = entry[0];
          deliver(entry);
        }
      } catch (error) {
        if (stopped) return;
        onError(error as Error);
        // Redis is down or reconnecting (the offline queue is off, so this fails at once): wait
        // a little, then read again from the last id.
        failures += 1;
        await new Promise((resolve) => setTimeout(resolve, backoffMs(failures)));
      }
    }
  }
  const reading = readLoop();

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribeGaps(listener) {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },
    position: () => lastPosition,
    async stop() {
      stopped = true;
      listeners.clear();
      gapListeners.clear();
      // The reader is blocked in XREAD: destroying its connection is what ends the call.
      if (reader.isOpen) reader.destroy();
      await reading;
    },
  };
}
