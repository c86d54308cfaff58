/**
 * The node-redis clients of the Redis-backed parts (broker, presence, replies, rate limits), made
 * and connected the same way: RESP2, fail-fast commands, capped reconnects, start-up bounded by a
 * timeout (node-redis would retry forever) and reported as one `BrokerUnavailableError`; and their
 * Lua scripts, sent by SHA1 (`defineScript`).
 */
import { createHash } from 'node:crypto';
import { createClient } from 'redis';

/** Start-up failed: Redis could not be reached in time. The CLI prints the message and exits. */
export class BrokerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerUnavailableError';
  }
}

/** The wait before retry number `attempt` of a failed Redis connection or read, ms: `50 · 2^attempt`, at most 2 s. */
export function backoffMs(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2000);
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
      reconnectStrategy: backoffMs,
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

/** Lua: `now()`, Redis's clock in ms (one clock for every process; theirs never compare). */
export const luaNow = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** A Lua script, run by SHA1 (`EVALSHA`) rather than sent in full with every call. */
export interface RedisScript {
  /**
   * Runs the script; its reply is unknown here, the caller reads it in the shape the script
   * returns (RESP2 arrays). After a Redis restart (an empty script cache: `NOSCRIPT`) it is sent
   * once in full (`EVAL`, which caches it again); any other error is the caller's, as with `EVAL`.
   */
  run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/** A `NOSCRIPT` error reply: the script was not run. */
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * A script whose SHA1 is computed here, once: each call sends the hash, not the source.
 *
 * @example
 * ```ts
 * const incr = defineScript(`return redis.call('INCR', KEYS[1])`);
 * const n = Number(await incr.run(client, ['counter'], []));
 * ```
 */
export function defineScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      const rest = [String(keys.length), ...keys, ...args.map(String)];
      try {
        return await client.sendCommand(['EVALSHA', sha, ...rest]);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return client.sendCommand(['EVAL', source, ...rest]);
      }
    },
  };
}
