/**
 * The node-redis clients of the Redis-backed parts (broker, presence, replies, rate limits), made
 * and connected the same way: RESP2, fail-fast commands, capped reconnects, start-up bounded by a
 * timeout (node-redis would retry forever) and reported as one `BrokerUnavailableError`.
 */
import { createClient } from 'redis';

/** Start-up failed: Redis could not be reached in time. The CLI prints the message and exits. */
export class BrokerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerUnavailableError';
  }
}

/** A node-redis client as this module configures it (see `newClient`); also the rate-limit store's. */
export function createBrokerClient(
  url: string,
  name: string,
  connectTimeoutMs: number,
  onError: (error: Error) => void,
) {
  const client = createClient({
    url,
    // CLIENT SETNAME: the connections are recognisable in CLIENT LIST (a name cannot hold spaces).
    name: name.replace(/\s/g, '_'),
    // RESP2: the raw XREAD/XREVRANGE replies are then plain nested arrays, which `entriesOf`
    // reads (node-redis 6 defaults to RESP3, where they are maps).
    RESP: 2,
    // Commands fail at once while Redis is down instead of queueing without bound: the broker
    // keeps failed publishes in its own bounded, ordered queue, /health reports the broker down.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // After start-up, reconnect forever with a capped backoff: the reader resumes from its last id.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
    },
  });
  // Without a listener, a connection error would be an uncaught 'error' event.
  client.on('error', (error: Error) => onError(error));
  return client;
}

export type RedisClient = ReturnType<typeof createBrokerClient>;

/** Connects, or destroys the client and throws a BrokerUnavailableError after `timeoutMs`. */
export async function connectWithin(client: RedisClient, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const connecting = client.connect();
  // If the timeout wins, connect() may still settle later: never as an unhandled rejection.
  connecting.catch(() => undefined);
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BrokerUnavailableError(`Redis is unreachable (${what}): no connection within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([connecting, timedOut]);
  } catch (error) {
    // Stops node-redis's reconnect loop, which would otherwise keep the process alive.
    if (client.isOpen) client.destroy();
    if (error instanceof BrokerUnavailableError) throw error;
    throw new BrokerUnavailableError(`Redis is unreachable (${what}): ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Error reporting for a Redis-backed part: during start-up every failed connection attempt would
 * be reported (one per retry), so the last one is kept to explain a failed start instead, and
 * errors are reported only once `started()`.
 */
export function startupAwareErrors(report: (error: Error) => void) {
  let started = false;
  let last: Error | undefined;
  return {
    onError(error: Error): void {
      if (started) report(error);
      else last = error;
    },
    started(): void {
      started = true;
    },
    /** `error` from a failed start-up, with the last connection error in its message. */
    explain(error: unknown): unknown {
      if (!(error instanceof BrokerUnavailableError) || !last) return error;
      return new BrokerUnavailableError(`${error.message} (last error: ${last.message})`, { cause: last });
    },
  };
}

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.username = '';
    return parsed.host;
  } catch {
    return 'invalid URL';
  }
}
