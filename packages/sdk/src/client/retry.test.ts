import { describe, expect, it } from 'vitest';
import { endpoints as routes } from '../contracts/endpoints.js';
import { defaultRetryOptions, isIdempotent, isRetryableStatus, retryDelay, sleep } from './retry.js';

describe('isIdempotent', () => {
  it('allows GET, PATCH and DELETE, and POST only with a clientMessageId', () => {
    expect(isIdempotent(routes.me, undefined)).toBe(true);
    expect(isIdempotent(routes.updateConversation, { title: 'x' })).toBe(true);
    expect(isIdempotent(routes.deleteMessage, undefined)).toBe(true);
    expect(isIdempotent(routes.createConversation, { type: 'assistant' })).toBe(false);
    expect(isIdempotent(routes.sendMessage, { content: 'hi' })).toBe(false);
    expect(isIdempotent(routes.sendMessage, { content: 'hi', clientMessageId: '' })).toBe(false);
    expect(isIdempotent(routes.sendMessage, { content: 'hi', clientMessageId: 'c1' })).toBe(true);
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 429 and 5xx but not conflicts, client errors or provider failures', () => {
    expect([408, 429, 500, 502, 503, 504].map((status) => isRetryableStatus(status, undefined))).toEqual(
      Array(6).fill(true),
    );
    expect([400, 401, 403, 404, 409, 413, 501].map((status) => isRetryableStatus(status, undefined))).toEqual(
      Array(7).fill(false),
    );
    expect(isRetryableStatus(502, 'provider_error')).toBe(false);
    expect(isRetryableStatus(504, 'provider_timeout')).toBe(false);
  });
});

describe('retryDelay', () => {
  const options = { ...defaultRetryOptions, random: () => 1 - Number.EPSILON };
  it('doubles from baseDelayMs up to maxDelayMs, scaled by the jitter', () => {
    expect([0, 1, 2, 3, 4, 5].map((retry) => retryDelay(retry, null, options))).toEqual([
      499, 999, 1999, 3999, 7999, 7999,
    ]);
    expect(retryDelay(3, null, { ...options, random: () => 0 })).toBe(0);
  });
  it('takes Retry-After as is up to maxRetryAfterMs, and refuses longer waits', () => {
    expect(retryDelay(0, 4000, options)).toBe(4000);
    expect(retryDelay(0, 30_000, options)).toBe(30_000);
    expect(retryDelay(0, 30_001, options)).toBeNull();
  });
});

describe('sleep', () => {
  it('waits, and rejects with the reason when aborted', async () => {
    const started = Date.now();
    await sleep(15);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10);
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort('stop');
    await expect(waiting).rejects.toBe('stop');
    await expect(sleep(1, AbortSignal.abort('already'))).rejects.toBe('already');
  });
});
