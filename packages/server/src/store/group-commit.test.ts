/**
 * The group commit's scheduling: what arrives while a key's batch is being written goes into the
 * next batch, in submission order, at most `maxBatch` at a time; other keys are not held up; a
 * batch that fails, or leaves an item unsettled, or is skipped, settles every item.
 */
import { describe, expect, it } from 'vitest';
import { type BatchItem, GroupCommit } from './group-commit.js';
import { KeyedLock } from './keyed-lock.js';

function recorder(maxBatch = 64) {
  const lock = new KeyedLock();
  const batches: string[][] = [];
  let release: (() => void) | null = null;
  let hold = false;
  const commit = new GroupCommit<string, string, string>(
    maxBatch,
    (key, run) => lock.run(key, () => run(key)),
    async (key, batch: BatchItem<string, string>[]) => {
      batches.push(batch.map((entry) => `${key}:${entry.item}`));
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      for (const entry of batch) entry.resolve(`${entry.item} written`);
    },
    (batch) => {
      for (const entry of batch) entry.resolve('skipped');
    },
  );
  return {
    commit,
    batches,
    holdWrites: () => {
      hold = true;
    },
    releaseWrite: () => {
      hold = false;
      release?.();
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone item at once, and groups what arrives while a write is in flight', async () => {
    const r = recorder();
    r.holdWrites();
    const first = r.commit.submit('a', '1');
    await tick();
    expect(r.batches).toEqual([['a:1']]);
    const later = ['2', '3', '4'].map((item) => r.commit.submit('a', item));
    await tick();
    expect(r.batches).toHaveLength(1); // waiting for the write in flight
    r.releaseWrite();
    expect(await first).toBe('1 written');
    expect(await Promise.all(later)).toEqual(['2 written', '3 written', '4 written']);
    expect(r.batches).toEqual([['a:1'], ['a:2', 'a:3', 'a:4']]);
  });

  it('takes at most maxBatch items a batch (those there when it starts), in submission order', async () => {
    const r = recorder(2);
    r.holdWrites();
    const all = ['1', '2', '3', '4', '5'].map((item) => r.commit.submit('a', item));
    await tick();
    r.releaseWrite();
    await Promise.all(all);
    expect(r.batches).toEqual([['a:1', 'a:2'], ['a:3', 'a:4'], ['a:5']]);
  });

  it('does not hold one key up behind another', async () => {
    const r = recorder();
    r.holdWrites();
    void r.commit.submit('a', '1');
    const other = r.commit.submit('b', '1');
    await tick();
    expect(r.batches).toEqual([['a:1'], ['b:1']]);
    r.releaseWrite();
    r.releaseWrite();
    expect(await other).toBe('1 written');
  });

  it('rejects every item of a batch whose write fails, and goes on with the next batch', async () => {
    const lock = new KeyedLock();
    let fail = true;
    const commit = new GroupCommit<string, string, string>(
      64,
      (key, run) => lock.run(key, () => run(key)),
      async (_key, batch) => {
        if (fail) throw new Error('disk full');
        for (const entry of batch) entry.resolve(entry.item);
      },
      () => undefined,
    );
    const failed = [commit.submit('a', '1'), commit.submit('a', '2')];
    await expect(failed[0]).rejects.toThrow('disk full');
    await expect(failed[1]).rejects.toThrow('disk full');
    fail = false;
    expect(await commit.submit('a', '3')).toBe('3');
  });

  it('rejects an item its batch left unsettled, and settles a skipped batch', async () => {
    const lock = new KeyedLock();
    let skip = false;
    const commit = new GroupCommit<string, string, string>(
      64,
      (key, run) => (skip ? Promise.resolve(null) : lock.run(key, () => run(key))),
      async (_key, batch) => {
        batch[0]?.resolve('only the first');
      },
      (batch) => {
        for (const entry of batch) entry.resolve('gone');
      },
    );
    const [first, second] = [commit.submit('a', '1'), commit.submit('a', '2')];
    expect(await first).toBe('only the first');
    await expect(second).rejects.toThrow(/unsettled/);
    skip = true;
    expect(await commit.submit('a', '3')).toBe('gone');
  });

  it('refuses a maxBatch below 1', () => {
    expect(
      () =>
        new GroupCommit(
          0,
          async () => undefined,
          async () => undefined,
          () => undefined,
        ),
    ).toThrow(RangeError);
  });
});
