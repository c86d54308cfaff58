/**
 * A token bucket: `burst` frames at once, `perSecond` on average. Refilled lazily on `take`, so an
 * idle connection costs no timer.
 */
export interface TokenBucket {
  /** Takes one token; `false` when the bucket is empty (the frame is refused). */
  take(): boolean;
}

export function createTokenBucket(options: {
  perSecond: number;
  burst: number;
  now?: () => number;
}): TokenBucket {
  const now = options.now ?? performance.now.bind(performance);
  let tokens = options.burst;
  let last = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(options.burst, tokens + ((at - last) / 1000) * options.perSecond);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
