import { afterEach, describe, expect, it } from 'vitest';
import { createPublishQueue, type PublishQueue } from './publish-queue.js';

/** A fake Redis: sends fail while `down`; what got through is recorded in order (`|` = a loss marker). */
function fakeRedis() {
  const state = { down: false, sent: [] as string[], attempts: 0 };
  return {
    state,
    send: async (item: string) => {
      state.attempts += 1;
      await Promise.resolve();
      if (state.down) throw new Error('down');
      state.sent.push(item);
    },
    markLoss: async () => {
      if (state.down) throw new Error('down');
      state.sent.push('|');
    },
  };
}

const queues: PublishQueue<string>[] = [];
afterEach(() => {
  for (const queue of queues.splice(0)) queue.close();
});

function queueOn(redis: ReturnType<typeof fakeRedis>, maxSize = 100, errors: Error[] = []) {
  const queue = createPublishQueue({
    send: redis.send,
    markLoss: redis.markLoss,
    maxSize,
    retryDelayMs: () => 5,
    onError: (error) => errors.push(error),
  });
  queues.push(queue);
  return queue;
}

describe('publish queue', () => {
  it('sends at once while Redis answers', async () => {
    const redis = fakeRedis();
    const queue = queueOn(redis);
    await queue.publish('a');
    await Promise.all([queue.publish('b'), queue.publish('c')]);
    expect(redis.state.sent).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
  });

  it('keeps failed publishes, resolves them, and sends them in publish order when Redis is back', async () => {
    const redis = fakeRedis();
    const errors: Error[] = [];
    const queue = queueOn(redis, 100, errors);
    await queue.publish('a');
    redis.state.down = true;
    // Each resolves although nothing reached Redis: the caller's write is acknowledged.
    await queue.publish('b');
    await queue.publish('c');
    expect(queue.size).toBe(2);
    expect(redis.state.sent).toEqual(['a']);
    // Retries happen meanwhile and fail; one error per outage is reported, not one per retry.
    await expect.poll(() => redis.state.attempts).toBeGreaterThan(5);
    expect(errors).toHaveLength(1);

    redis.state.down = false;
    // Published while the backlog drains: behind it, never before it.
    await queue.publish('d');
    await expect.poll(() => redis.state.sent).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.size).toBe(0);
    await queue.publish('e');
    expect(redis.state.sent.at(-1)).toBe('e');
  });

  it('a send that was in flight when Redis dropped keeps its place before later publishes', async () => {
    const redis = fakeRedis();
    const queue = queueOn(redis);
    // Both go out together (pipelined); the connection drops under them.
    const first = queue.publish('a');
    const second = queue.publish('b');
    redis.state.down = true;
    await Promise.all([first, second]);
    await queue.publish('c');
    redis.state.down = false;
    queue.retryNow();
    await expect.poll(() => redis.state.sent).toEqual(['a', 'b', 'c']);
  });

  it('is full at its bound; beyond it publishes are dropped and one loss marker keeps their place', async () => {
    const redis = fakeRedis();
    const errors: Error[] = [];
    const queue = queueOn(redis, 2, errors);
    redis.state.down = true;
    await queue.publish('a');
    expect(queue.full).toBe(false);
    await queue.publish('b');
    expect(queue.full).toBe(true);
    await queue.publish('c');
    await queue.publish('d');
    expect(queue.size).toBe(2);
    expect(errors.filter((error) => /dropped/.test(error.message))).toHaveLength(1);

    redis.state.down = false;
    queue.retryNow();
    await expect.poll(() => redis.state.sent).toEqual(['a', 'b', '|']);
    expect(queue.full).toBe(false);
    await queue.publish('e');
    expect(redis.state.sent).toEqual(['a', 'b', '|', 'e']);
  });

  it('close stops retrying, reports what was left, and refuses new publishes', async () => {
    const redis = fakeRedis();
    const queue = queueOn(redis);
    redis.state.down = true;
    await queue.publish('a');
    expect(queue.close()).toBe(1);
    const attempts = redis.state.attempts;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(redis.state.attempts).toBe(attempts);
    await expect(queue.publish('b')).rejects.toThrow(/closed/);
  });
});
