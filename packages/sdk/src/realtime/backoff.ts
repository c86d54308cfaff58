/**
 * Reconnect delays: exponential backoff with jitter, as Socket.IO does (1 s doubling to a cap,
 * ±50 %). The jitter spreads the clients of a restarted server over time instead of having them
 * all come back in the same instant.
 */

/** When to try again after a dropped or failed connection. */
export interface ReconnectOptions {
  /** Delay before the first retry, ms. Default `1000`. */
  initialDelayMs: number;
  /** Each further retry waits this many times longer. Default `2`. */
  factor: number;
  /** The longest delay, ms (jitter included). Default `30000`. */
  maxDelayMs: number;
  /** Random spread around each delay, as a fraction: `0.5` is ±50 %. Default `0.5`. */
  jitter: number;
  /** Retries in a row (without a successful `ready`) before giving up. Default `Infinity`. */
  maxAttempts: number;
}

export const defaultReconnectOptions: ReconnectOptions = {
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** The delay before retry number `attempt` (0 for the first), with `random()` in [0, 1). */
export function reconnectDelay(attempt: number, options: ReconnectOptions, random: () => number): number {
  const base = Math.min(options.initialDelayMs * options.factor ** attempt, options.maxDelayMs);
  return Math.min(base * (1 + options.jitter * (2 * random() - 1)), options.maxDelayMs);
}
