import type { RealtimeEvent } from '@chatwire/sdk/contracts';
import { afterEach, expect, it } from 'vitest';
import { createRedisBroker } from '../broker/redis-broker.js';
import { call } from '../testing/http.js';
import { type Cleanups, describeRedis, type RedisAdmin, redisTestKit } from '../testing/redis-prefix.js';
import { sharedLowdbStore } from '../testing/shared-store.js';
import { startTestServer } from '../testing/start-server.js';
import { connectRealtime, directConversation, signUp, type TestSocket } from '../testing/ws-client.js';
import type { PresenceChanges } from './presence-directory.js';
import { createRedisPresence, type RedisPresence, type RedisPresenceOptions } from './redis-presence.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const { testPrefix, adminClient } = redisTestKit(cleanups, 'presence:');

/** One "process". `mortal`: it never renews its lease within a test, so deleting the key kills it. */
async function processOn(
  url: string,
  prefix: string,
  options: Partial<RedisPresenceOptions> & { mortal?: boolean } = {},
): Promise<RedisPresence> {
  const { mortal, ...rest } = options;
  const presence = await createRedisPresence({
    url,
    prefix,
    connectTimeoutMs: 2000,
    ...(mortal ? { leaseMs: 120_000, refreshMs: 60_000 } : {}),
    ...rest,
  });
  cleanups.push(() => presence.close());
  return presence;
}

/** What the lease's expiry does when a process dies: its key is gone. */
const kill = (admin: RedisAdmin, prefix: string, process: RedisPresence) =>
  admin.del(`${prefix}presence:process:${process.processId}`);

const sorted = (values: Iterable<string>) => [...values].sort();

describeRedis('Redis presence directory', (url) => {
  it('is the union over processes: online on the first join anywhere, offline on the last leave', async () => {
    const prefix = testPrefix(url);
    const [a, b] = [await processOn(url, prefix), await processOn(url, prefix)];
    expect(a.processId).not.toBe(b.processId);

    expect(await a.join('u1')).toBe(true);
    expect(await b.join('u1')).toBe(false);
    expect(await b.join('u2')).toBe(true);
    expect(sorted(await a.onlineAmong(['u1', 'u2', 'u3']))).toEqual(['u1', 'u2']);
    expect(sorted(await b.onlineAmong(['u1', 'u2', 'u3']))).toEqual(['u1', 'u2']);

    expect(await a.leave('u1')).toBe(false); // still on b
    expect(sorted(await a.onlineAmong(['u1']))).toEqual(['u1']);
    expect(await b.leave('u1')).toBe(true);
    expect(await b.leave('u2')).toBe(true);
    expect(await a.onlineAmong(['u1', 'u2'])).toEqual(new Set());
    expect(await a.join('u1')).toBe(true); // a new session: announced again

    // Nothing is left without an expiry, and the lease is a lease.
    const admin = await adminClient(url);
    const keys: string[] = [];
    for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await admin.pTTL(key), key).toBeGreaterThan(0);
    expect(await admin.pTTL(`${prefix}presence:process:${a.processId}`)).toBeLessThanOrEqual(15_000);
    // The users who left have no key any more.
    expect(keys.filter((key) => key.startsWith(`${prefix}presence:user:`))).toEqual([
      `${prefix}presence:user:u1`,
    ]);
  });

  it('two processes joining (or leaving) one user at once: exactly one reports the change', async () => {
    const prefix = testPrefix(url);
    const [a, b] = [await processOn(url, prefix), await processOn(url, prefix)];
    const users = Array.from({ length: 20 }, (_, i) => `user${i}`);
    const joins = await Promise.all(users.map((user) => Promise.all([a.join(user), b.join(user)])));
    for (const pair of joins) expect(pair.filter(Boolean)).toHaveLength(1);
    const leaves = await Promise.all(users.map((user) => Promise.all([a.leave(user), b.leave(user)])));
    for (const pair of leaves) expect(pair.filter(Boolean)).toHaveLength(1);
  });

  it('a dead process: its users count as online nowhere, and one sweeper reports each of them offline once', async () => {
    const prefix = testPrefix(url);
    const admin = await adminClient(url);
    const dead = await processOn(url, prefix, { mortal: true });
    const [b, c] = [await processOn(url, prefix), await processOn(url, prefix)];
    for (const user of ['alone', 'shared', 'back', 'left']) await dead.join(user);
    expect(await b.join('shared')).toBe(false);
    expect(await b.join('left')).toBe(false);
    expect(await b.sweep()).toEqual({ online: [], offline: [] }); // alive: nothing to claim

    await kill(admin, prefix, dead);
    expect(sorted(await b.onlineAmong(['alone', 'shared', 'back', 'left']))).toEqual(['left', 'shared']);
    // Reconnected elsewhere before the sweep: still announced online, so not again.
    expect(await c.join('back')).toBe(false);
    // Left the live process: offline now (the dead one does not hold them), and never again.
    expect(await b.leave('left')).toBe(true);

    const swept = await Promise.all([b.sweep(), c.sweep()]);
    expect(swept.flatMap((changes) => changes.offline)).toEqual(['alone']);
    expect(swept.filter((changes) => changes.offline.length > 0)).toHaveLength(1);
    expect(swept.flatMap((changes) => changes.online)).toEqual([]);
    expect(await b.sweep()).toEqual({ online: [], offline: [] });

    expect(sorted(await c.onlineAmong(['alone', 'shared', 'back', 'left']))).toEqual(['back', 'shared']);
    expect(await b.leave('shared')).toBe(true);
    expect(await c.leave('back')).toBe(true);
    // The dead process's own set went with it.
    expect(await admin.exists(`${prefix}presence:process:${dead.processId}:users`)).toBe(0);
  });

  it('a process swept while cut off registers again on its next sweep and reports its users online', async () => {
    const prefix = testPrefix(url);
    const admin = await adminClient(url);
    const lapsed = await processOn(url, prefix, { mortal: true });
    const other = await processOn(url, prefix);
    await lapsed.join('u');
    await kill(admin, prefix, lapsed);
    expect(await other.sweep()).toEqual({ online: [], offline: ['u'] });

    expect(await lapsed.sweep()).toEqual({ online: ['u'], offline: [] });
    expect(await other.onlineAmong(['u'])).toEqual(new Set(['u']));
    expect(await other.sweep()).toEqual({ online: [], offline: [] });
    expect(await lapsed.leave('u')).toBe(true);
  });

  it('close lets the lease run out after releaseMs: only users who did not come back are reported', async () => {
    const prefix = testPrefix(url);
    const closing = await processOn(url, prefix, { releaseMs: 300 });
    const survivor = await processOn(url, prefix);
    await closing.join('gone');
    await closing.join('moved');
    await closing.close();
    expect(await survivor.join('moved')).toBe(false); // its client reconnected here in time

    const reported: PresenceChanges[] = [];
    await expect
      .poll(
        async () => {
          reported.push(await survivor.sweep());
          return reported.flatMap((changes) => changes.offline);
        },
        { timeout: 3000, interval: 100 },
      )
      .toEqual(['gone']);
    expect(await survivor.onlineAmong(['gone', 'moved'])).toEqual(new Set(['moved']));
  });

  it('refuses a refresh interval that would let the lease lapse', async () => {
    const prefix = testPrefix(url);
    await expect(createRedisPresence({ url, prefix, leaseMs: 1000, refreshMs: 1000 })).rejects.toThrow(
      /refreshMs/,
    );
  });
});

describeRedis('presence across two apps (Redis broker + Redis presence, one store)', (url) => {
  /** Two apps on one prefix and one lowdb store; alice and bob share a direct conversation; bob is on one. */
  async function twoApps(
    presenceOptions: [Parameters<typeof processOn>[2], Parameters<typeof processOn>[2]],
  ) {
    const prefix = testPrefix(url);
    const shared = await sharedLowdbStore();
    cleanups.push(shared.cleanup);
    const { store } = shared;
    const start = async (options: Parameters<typeof processOn>[2]) => {
      const broker = await createRedisBroker({ url, prefix, connectTimeoutMs: 2000 });
      cleanups.push(() => broker.close());
      const presence = await processOn(url, prefix, options);
      const server = await startTestServer({ store, broker, presence, realtime: { presenceGraceMs: 100 } });
      cleanups.push(() => server.close());
      return { server, presence };
    };
    const [one, two] = [await start(presenceOptions[0]), await start(presenceOptions[1])];

    const [alice, bob] = await Promise.all([signUp(one.server.url), signUp(two.server.url)]);
    await directConversation(one.server.url, alice, bob);
    const b = await connect(one.server.url, bob.token);
    const isAlice = (online: boolean) => (event: RealtimeEvent) =>
      event.type === 'presence' && event.userId === alice.id && event.online === online;
    const count = (online: boolean) => b.events().filter((frame) => isAlice(online)(frame.event)).length;
    return { prefix, one, two, alice, bob, b, isAlice, count };
  }

  async function connect(base: string, token: string): Promise<TestSocket> {
    const socket = await connectRealtime(base, { token });
    cleanups.push(() => socket.close());
    return socket;
  }

  it('is announced once online, not offline while another process has the user, once offline after both', async () => {
    const admin = await adminClient(url);
    const { prefix, one, two, alice, bob, b, isAlice, count } = await twoApps([{}, {}]);
    const aliceOnlineOnOne = async () => {
      const page = await call(`${one.server.url}/v1/users?limit=100`, { token: bob.token });
      return page.body.items.find((item: { id: string }) => item.id === alice.id)?.online;
    };
    const aliceProcesses = async () => sorted(await admin.sMembers(`${prefix}presence:user:${alice.id}`));

    const onTwo: TestSocket = await connect(two.server.url, alice.token);
    await b.waitForEvent(isAlice(true));
    // Searched on the process where alice has no socket.
    expect(await aliceOnlineOnOne()).toBe(true);

    const onOne = await connect(one.server.url, alice.token);
    await expect.poll(aliceProcesses).toEqual(sorted([one.presence.processId, two.presence.processId]));
    await onTwo.close();
    // Process two's grace ran out and it left; alice is still on process one.
    await expect.poll(aliceProcesses, { timeout: 3000 }).toEqual([one.presence.processId]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a wrong offline to arrive
    expect(count(false)).toBe(0);
    expect(count(true)).toBe(1);
    expect(await aliceOnlineOnOne()).toBe(true);

    await onOne.close();
    await b.waitForEvent(isAlice(false));
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a duplicate
    expect(count(false)).toBe(1);
    expect(count(true)).toBe(1);
    expect(await aliceOnlineOnOne()).toBe(false);
  });

  it('a process that dies: a survivor’s sweep announces its users offline, once', async () => {
    const admin = await adminClient(url);
    const { prefix, one, two, alice, b, isAlice, count } = await twoApps([
      { sweepIntervalMs: 50 },
      { mortal: true },
    ]);
    await connect(two.server.url, alice.token);
    await b.waitForEvent(isAlice(true));
    // Process two dies (as far as presence goes: its lease is gone; its sockets stay open here).
    await kill(admin, prefix, two.presence);
    await b.waitForEvent(isAlice(false), 3000);
    expect(await one.presence.onlineAmong([alice.id])).toEqual(new Set());
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a duplicate from the next sweeps
    expect(count(false)).toBe(1);
    expect(count(true)).toBe(1);
  });
});
