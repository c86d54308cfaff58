import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { describeRedis } from '../testing/redis-prefix.js';
import { connectWithin, createBrokerClient, defineScript, type RedisClient } from './redis-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client whose replies are `answer`'s: records the commands sent. */
function fakeClient(answer: (args: string[]) => unknown) {
  const sent: string[][] = [];
  const client = {
    async sendCommand(args: string[]) {
      sent.push(args);
      return answer(args);
    },
  } as unknown as RedisClient;
  return { client, sent };
}

describe('defineScript', () => {
  it('runs by SHA1 and sends the source only when Redis answers NOSCRIPT (a restart emptied its cache)', async () => {
    let cached = false;
    const { client, sent } = fakeClient((args) => {
      if (args[0] === 'EVAL') cached = true;
      else if (!cached) throw new Error('NOSCRIPT No matching script. Please use EVAL.');
      return 'ok';
    });
    const script = defineScript('return 1');
    expect(await script.run(client, ['k'], ['a', 2])).toBe('ok');
    expect(await script.run(client, ['k'], ['a', 2])).toBe('ok');
    expect(sent).toEqual([
      // sha1('return 1')
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '1', 'k', 'a', '2'],
      ['EVAL', 'return 1', '1', 'k', 'a', '2'],
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '1', 'k', 'a', '2'],
    ]);
  });

  it('leaves any other error to the caller, without sending the source (Redis down: the publish queue keeps it)', async () => {
    const { client, sent } = fakeClient(() => {
      throw new Error('The client is closed');
    });
    await expect(defineScript('return 1').run(client, [], [])).rejects.toThrow('The client is closed');
    expect(sent.map((args) => args[0])).toEqual(['EVALSHA']);
  });
});

describeRedis('defineScript on Redis', (url) => {
  it('a script Redis has never seen runs, then runs by its hash', async () => {
    const client = createBrokerClient(url, 'chatwire-test-scripts', 2000, () => undefined);
    await connectWithin(client, 2000, 'test');
    cleanups.push(async () => client.destroy());
    // Unique source: certainly not in the script cache yet.
    const script = defineScript(`-- ${randomUUID()}\nreturn ARGV[1] .. ARGV[2]`);
    expect(await script.run(client, [], ['a', 1])).toBe('a1');
    expect(await script.run(client, [], ['b', 2])).toBe('b2');
  });
});
