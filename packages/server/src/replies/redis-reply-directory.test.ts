import { randomUUID } from 'node:crypto';
import { textOf } from '@chatwire/sdk/contracts';
import { afterEach, expect, it, vi } from 'vitest';
import { type Cleanups, describeRedis, redisTestKit } from '../testing/redis-prefix.js';
import {
  createRedisReplyDirectory,
  type RedisReplyDirectoryOptions,
  replyKey,
} from './redis-reply-directory.js';
import type { ReplyDirectory } from './reply-directory.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
/** A key prefix of the test's own, and a plain connection for looking at, or poking, its keys. */
const { testPrefix, adminClient: admin } = redisTestKit(cleanups, 'replies:');

async function directory(
  url: string,
  prefix: string,
  options: Partial<RedisReplyDirectoryOptions> = {},
): Promise<ReplyDirectory> {
  const created = await createRedisReplyDirectory({ url, prefix, connectTimeoutMs: 2000, ...options });
  cleanups.push(() => created.close());
  return created;
}

const noop = () => undefined;

/** A text part at index 0 of the reply, then `text` appended to it from `offset`. */
async function say(directory: ReplyDirectory, messageId: string, offset: number, text: string) {
  if (offset === 0)
    await directory.record(messageId, { type: 'part', index: 0, part: { type: 'text', text: '' } });
  await directory.record(messageId, { type: 'delta', part: 0, offset, text });
}

/** A snapshot as its text and liveness. */
const said = (snapshot: Awaited<ReturnType<ReplyDirectory['snapshot']>> | undefined) =>
  snapshot && { text: textOf(snapshot.parts), live: snapshot.live };

describeRedis('Redis reply directory', (url) => {
  it('a registered reply is seen by every process, with its parts so far, until released', async () => {
    const prefix = testPrefix(url);
    const [producer, other] = [await directory(url, prefix), await directory(url, prefix)];
    const messageId = randomUUID();
    expect(await other.snapshot(messageId)).toBeNull();

    await producer.register({ messageId, conversationId: 'c1', onStop: noop });
    expect(said(await other.snapshot(messageId))).toEqual({ text: '', live: true });
    // Offsets count UTF-16 code units (JavaScript's), whatever the bytes in Redis.
    await say(producer, messageId, 0, 'Héllo ');
    await say(producer, messageId, 6, '👋 wörld');
    expect(said(await other.snapshot(messageId))).toEqual({ text: 'Héllo 👋 wörld', live: true });
    // A delta recorded again (a retry) changes nothing.
    await producer.record(messageId, { type: 'delta', part: 0, offset: 6, text: '👋 wörld' });
    await say(producer, messageId, 14, '!');
    expect(said(await other.snapshot(messageId))).toEqual({ text: 'Héllo 👋 wörld!', live: true });
    expect(await other.claim(messageId)).toEqual({ outcome: 'live' });
    // The log is a string of its own, a line per part or delta, appended to, with the hash's expiry.
    const redis = await admin(url);
    const key = replyKey(prefix, messageId);
    const log = (await redis.get(`${key}:t`)) ?? '';
    expect(
      log
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).type),
    ).toEqual(['part', 'delta', 'delta', 'delta', 'delta']);
    expect(await redis.hExists(key, 't')).toBe(0);
    for (const each of [key, `${key}:t`]) expect(await redis.pTTL(each), each).toBeGreaterThan(0);

    await producer.release(messageId);
    expect(await redis.exists([key, `${key}:t`])).toBe(0);
    expect(await other.snapshot(messageId)).toBeNull();
    expect(await other.claim(messageId)).toEqual({ outcome: 'none' });
    // A record after the release (a late flush) does not bring it back.
    await say(producer, messageId, 15, 'late');
    expect(await other.snapshot(messageId)).toBeNull();
  });

  it('a stop requested anywhere reaches the producing process', async () => {
    const prefix = testPrefix(url);
    const [producer, other] = [await directory(url, prefix), await directory(url, prefix)];
    const messageId = randomUUID();
    const stopped = vi.fn();
    await producer.register({ messageId, conversationId: 'c1', onStop: stopped });

    expect(await other.requestStop(randomUUID())).toBe(false);
    expect(stopped).not.toHaveBeenCalled();
    expect(await other.requestStop(messageId)).toBe(true);
    await vi.waitFor(() => expect(stopped).toHaveBeenCalled(), { timeout: 5000 });
  });

  it('a stop whose message was missed is still seen, at the next renewal', async () => {
    const prefix = testPrefix(url);
    const producer = await directory(url, prefix, { leaseMs: 3000, renewIntervalMs: 50 });
    const messageId = randomUUID();
    const stopped = vi.fn();
    await producer.register({ messageId, conversationId: 'c1', onStop: stopped });
    // The flag alone, as if the pub/sub message had been lost while the subscriber reconnected.
    const redis = await admin(url);
    await redis.hSet(replyKey(prefix, messageId), 's', '1');
    await vi.waitFor(() => expect(stopped).toHaveBeenCalled(), { timeout: 5000 });
  });

  it('renewals keep a lease alive past its length', async () => {
    const prefix = testPrefix(url);
    const producer = await directory(url, prefix, { leaseMs: 1000, renewIntervalMs: 100 });
    const other = await directory(url, prefix);
    const messageId = randomUUID();
    await producer.register({ messageId, conversationId: 'c1', onStop: noop });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await other.sweep()).toEqual([]);
    expect(said(await other.snapshot(messageId))).toEqual({ text: '', live: true });
  });

  it('an expired lease is claimed by exactly one process, with the parts so far', async () => {
    const prefix = testPrefix(url);
    const producer = await directory(url, prefix, { leaseMs: 300 });
    const others = [await directory(url, prefix), await directory(url, prefix), await directory(url, prefix)];
    const messageId = randomUUID();
    await producer.register({ messageId, conversationId: 'c1', onStop: noop });
    await say(producer, messageId, 0, 'partial ');
    await say(producer, messageId, 8, 'answer');
    expect(await others[0]?.sweep()).toEqual([]);
    // The producer dies: nothing renews its lease any more.
    await producer.close();
    await vi.waitFor(async () => expect((await others[0]?.snapshot(messageId))?.live).toBe(false), {
      timeout: 5000,
      interval: 50,
    });

    const results = await Promise.all(
      others.flatMap((other) => [
        other.sweep(),
        other.claim(messageId),
        other.sweep(),
        other.claim(messageId),
      ]),
    );
    const won = results.flatMap((result) =>
      Array.isArray(result) ? result : result.outcome === 'won' ? [result] : [],
    );
    expect(won).toEqual([
      expect.objectContaining({
        messageId,
        conversationId: 'c1',
        parts: [{ type: 'text', text: 'partial answer' }],
      }),
    ]);
    // Until the winner releases it, the others see it as being ended, not as unknown.
    expect(await others[1]?.claim(messageId)).toEqual({ outcome: 'taken' });
    expect(said(await others[1]?.snapshot(messageId))).toEqual({ text: 'partial answer', live: false });
    expect(await others[1]?.requestStop(messageId)).toBe(false);
    await others[0]?.release(messageId);
    expect(await others[1]?.claim(messageId)).toEqual({ outcome: 'none' });
    expect(await others[1]?.sweep()).toEqual([]);
  });

  it('a claimed reply takes no more records from a producer that was only slow', async () => {
    const prefix = testPrefix(url);
    const producer = await directory(url, prefix, { leaseMs: 200, renewIntervalMs: 60_000 });
    const other = await directory(url, prefix);
    const messageId = randomUUID();
    await producer.register({ messageId, conversationId: 'c1', onStop: noop });
    await say(producer, messageId, 0, 'before');
    let claimed: Awaited<ReturnType<ReplyDirectory['sweep']>> = [];
    await vi.waitFor(
      async () => {
        claimed = await other.sweep();
        expect(claimed).toHaveLength(1);
      },
      { timeout: 5000, interval: 50 },
    );
    await say(producer, messageId, 6, ' after');
    expect(said(await other.snapshot(messageId))).toEqual({ text: 'before', live: false });
  });
});
