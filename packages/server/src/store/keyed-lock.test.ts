import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedLock', () => {
  it('runs tasks of one key one after another, in call order', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} start`);
      await tick();
      events.push(`${name} end`);
      return name;
    };
    expect(await Promise.all([lock.run('k', task('a')), lock.run('k', task('b'))])).toEqual(['a', 'b']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} start`);
      await tick();
      events.push(`${name} end`);
    };
    await Promise.all([lock.run('x', task('x')), lock.run('y', task('y'))]);
    expect(events.slice(0, 2)).toEqual(['x start', 'y start']);
  });

  it('does not let a failed task block the next one', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('k', async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    expect(await lock.run('k', async () => 'next')).toBe('next');
  });

  it('idle() waits for every queued task', async () => {
    const lock = new KeyedLock();
    let done = 0;
    for (const key of ['a', 'a', 'b']) {
      void lock.run(key, async () => {
        await tick();
        done++;
      });
    }
    await lock.idle();
    expect(done).toBe(3);
  });
});
