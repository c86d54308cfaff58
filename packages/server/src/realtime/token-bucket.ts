/**
 * A token bucket: `burst` frames at once, `perSecond` on average. The state lives on the
 * connection (two numbers) and is refilled lazily on `take`: no timer and no closure per socket,
 * which matters with thousands of idle sockets.
 */
export interface TokenBucketState {
  tokens: number;
  /** When `tokens` was last refilled, ms (monotonic clock). */
  refilledAt: number;
}

export interface TokenBucketOptions {
  perSecond: number;
  burst: number;
}

/** A full bucket. */
export function fullBucket(options: TokenBucketOptions, now: number = performance.now()): TokenBucketState {
  return { tokens: options.burst, refilledAt: now };
}

/** Takes one token; `false` when the bucket is empty (the frame is refused). */
export function takeToken(
  state: TokenBucketState,
  options: TokenBucketOptions,
  now: number = performance.now(),
): boolean {
  state.tokens = Math.min(
    options.burst,
    state.tokens + ((now - state.refilledAt) / 1000) * options.perSecond,
  );
  state.refilledAt = now;
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}
