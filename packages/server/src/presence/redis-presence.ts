/**
 * The {@link PresenceDirectory} over Redis: presence as the union over server processes, with
 * leases so that a process that dies (no goodbye possible) is noticed and its users announced
 * offline once, by one survivor.
 *
 * Keys (under the shared prefix, `chatwire:` by default):
 * - `presence:process:<processId>` — the process's lease (`PX leaseMs`, renewed every
 *   `refreshMs`). A process is live exactly while this key exists.
 * - `presence:process:<processId>:users` — the users this process has (set).
 * - `presence:user:<userId>` — the processes that have this user (set).
 * - `presence:processes` — every process that registered and was not swept yet (set).
 *
 * Every operation is one Lua script, so Redis runs them one at a time: two processes joining a
 * user together get one `true` between them, and a dead process is claimed by the one sweeper
 * whose script removes it from `presence:processes` first.
 *
 * The rule that makes announcements exactly-once: a user's set is non-empty exactly while the
 * user is announced online. `join` reports online only when the set was empty (entries of dead,
 * not yet swept processes count: nobody announced those users offline yet). When a `leave` or a
 * sweep finds no live process left, it also drops the dead entries, and a sweep only reports a
 * user whose entry it removed itself, so the other dead process's later sweep stays silent. Dead
 * entries never make a user look online to `onlineAmong`: only live leases count.
 *
 * Expiry: the sets are renewed to `retentionMs` while a live process uses them (its own ones on
 * every refresh, its users' sets on every sweep once per `retentionMs / 3`), so what a deployment
 * that stopped for good leaves behind disappears on its own. The scripts build key names from the
 * prefix, which is fine on one Redis server (not Redis Cluster, like the rest of the Redis code).
 */
import { randomBytes } from 'node:crypto';
import {
  connectWithin,
  createBrokerClient,
  defineScript,
  describeUrl,
  type RedisScript,
  startupAwareErrors,
} from '../redis/redis-client.js';
import type { PresenceChanges, PresenceDirectory } from './presence-directory.js';

export interface RedisPresenceOptions {
  /** `redis://` or `rediss://`. */
  url: string;
  /** Prefix of every key; processes that share presence share it (as they share the broker's). Default `chatwire:`. */
  prefix?: string;
  /** Start-up gives up after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** A process whose lease was not renewed for this long is dead. Default 15,000 ms. */
  leaseMs?: number;
  /** How often the lease is renewed; below `leaseMs`. Default 5000 ms. */
  refreshMs?: number;
  /** How often the gateway sweeps dead processes. Default 5000 ms. */
  sweepIntervalMs?: number;
  /**
   * On `close()`, the lease is cut to this: clients of a process shutting down that reconnect
   * elsewhere within it are never announced offline; the others are, by a survivor's sweep
   * after it. Default 3000 ms (the default presence grace period).
   */
  releaseMs?: number;
  /** How long sets nobody renews survive (a deployment that stopped for good). Default 1 hour. */
  retentionMs?: number;
  /** This process's id; default random per start (a restarted process is a new one). */
  processId?: string;
  /** Renewal and connection errors after start-up. Default: ignored. */
  onError?: (error: Error) => void;
}

/** The Redis presence directory; `processId` names this process's lease. */
export interface RedisPresence extends PresenceDirectory {
  readonly processId: string;
}

/** Shared by every script: ARGV[1] is the prefix. */
const prelude = `
local P = ARGV[1]
local function lease(pid) return P .. 'presence:process:' .. pid end
local function usersOf(pid) return P .. 'presence:process:' .. pid .. ':users' end
local function userKey(uid) return P .. 'presence:user:' .. uid end
local known = P .. 'presence:processes'
-- Whether a live process (one with a lease) is in the user's set.
local function hasLive(key)
  for _, pid in ipairs(redis.call('SMEMBERS', key)) do
    if redis.call('EXISTS', lease(pid)) == 1 then return true end
  end
  return false
end
-- Whether a live process still has the user; if none does, the dead entries go too, so that
-- the offline reported now is the only one.
local function stillOnline(key)
  if hasLive(key) then return true end
  redis.call('DEL', key)
  return false
end
`;

/** ARGV: prefix, processId, userId, retentionMs. 1 when nobody had the user before. */
const joinScript = defineScript(`${prelude}
local key = userKey(ARGV[3])
local first = redis.call('SADD', key, ARGV[2]) == 1 and redis.call('SCARD', key) == 1
redis.call('PEXPIRE', key, ARGV[4])
redis.call('SADD', usersOf(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', usersOf(ARGV[2]), ARGV[4])
if first then return 1 end
return 0`);

/** ARGV: prefix, processId, userId. 1 when no live process has the user any more. */
const leaveScript = defineScript(`${prelude}
redis.call('SREM', usersOf(ARGV[2]), ARGV[3])
local key = userKey(ARGV[3])
-- Not ours any more (a sweeper took it while we were cut off): already reported.
if redis.call('SREM', key, ARGV[2]) == 0 then return 0 end
if stillOnline(key) then return 0 end
return 1`);

/** ARGV: prefix, userIds…. The ones some live process has. */
const onlineScript = defineScript(`${prelude}
local online = {}
for i = 2, #ARGV do
  if hasLive(userKey(ARGV[i])) then online[#online + 1] = ARGV[i] end
end
return online`);

/**
 * ARGV: prefix, processId, leaseMs, retentionMs. Renews the lease, unless this process was swept
 * (then 0: it must register again with its users, see reconcileScript).
 */
const refreshScript = defineScript(`${prelude}
if redis.call('SISMEMBER', known, ARGV[2]) == 0 then return 0 end
redis.call('SET', lease(ARGV[2]), '1', 'PX', ARGV[3])
redis.call('PEXPIRE', known, ARGV[4])
redis.call('PEXPIRE', usersOf(ARGV[2]), ARGV[4])
return 1`);

/**
 * ARGV: prefix, processId. Claims every other process without a lease: `{registered, offline
 * userIds}`, `registered` 0 when this process was swept itself (its lease is the refresher's).
 */
const sweepScript = defineScript(`${prelude}
local registered = redis.call('SISMEMBER', known, ARGV[2]) == 1
local offline = {}
for _, pid in ipairs(redis.call('SMEMBERS', known)) do
  if pid ~= ARGV[2] and redis.call('EXISTS', lease(pid)) == 0 then
    redis.call('SREM', known, pid)
    for _, uid in ipairs(redis.call('SMEMBERS', usersOf(pid))) do
      local key = userKey(uid)
      if redis.call('SREM', key, pid) == 1 and not stillOnline(key) then offline[#offline + 1] = uid end
    end
    redis.call('DEL', usersOf(pid))
  end
end
return {registered and 1 or 0, offline}`);

/**
 * ARGV: prefix, processId, leaseMs, retentionMs, userIds…. (Re-)registers this process with
 * exactly these users — at start, after it was swept, after a failed join or leave, and to renew
 * its users' sets — and answers `{online, offline}`, the changes that makes.
 */
const reconcileScript = defineScript(`${prelude}
local pid = ARGV[2]
local own = usersOf(pid)
redis.call('SET', lease(pid), '1', 'PX', ARGV[3])
redis.call('SADD', known, pid)
redis.call('PEXPIRE', known, ARGV[4])
local wanted = {}
for i = 5, #ARGV do wanted[ARGV[i]] = true end
local online, offline = {}, {}
for _, uid in ipairs(redis.call('SMEMBERS', own)) do
  if not wanted[uid] then
    redis.call('SREM', own, uid)
    local key = userKey(uid)
    if redis.call('SREM', key, pid) == 1 and not stillOnline(key) then offline[#offline + 1] = uid end
  end
end
for i = 5, #ARGV do
  local key = userKey(ARGV[i])
  if redis.call('SADD', key, pid) == 1 and redis.call('SCARD', key) == 1 then online[#online + 1] = ARGV[i] end
  redis.call('PEXPIRE', key, ARGV[4])
  redis.call('SADD', own, ARGV[i])
end
redis.call('PEXPIRE', own, ARGV[4])
return {online, offline}`);

/** A raw script reply as a list of strings. */
function strings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(String) : [];
}

/**
 * Connects (one connection), registers this process and starts renewing its lease. Rejects with
 * a `BrokerUnavailableError` when Redis cannot be reached within `connectTimeoutMs`. Pass it to
 * `buildApp({ presence })`; close it after the app (the gateway does not own it).
 *
 * @example
 * ```ts
 * const broker = await createRedisBroker({ url });
 * const presence = await createRedisPresence({ url });
 * const app = await buildApp({ store, broker, presence });
 * app.addHook('onClose', () => presence.close());
 * ```
 */
export async function createRedisPresence(options: RedisPresenceOptions): Promise<RedisPresence> {
  const prefix = options.prefix ?? 'chatwire:';
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const leaseMs = options.leaseMs ?? 15_000;
  const refreshMs = options.refreshMs ?? 5000;
  const releaseMs = options.releaseMs ?? 3000;
  const retentionMs = options.retentionMs ?? 3_600_000;
  const processId = options.processId ?? randomBytes(8).toString('hex');
  if (!(refreshMs < leaseMs)) throw new RangeError('Redis presence: refreshMs must be below leaseMs');
  if (retentionMs < leaseMs) throw new RangeError('Redis presence: retentionMs must be at least leaseMs');
  const errors = startupAwareErrors((error) => options.onError?.(error));
  const { onError } = errors;
  const client = createBrokerClient(options.url, `${prefix}presence`, connectTimeoutMs, onError);

  /** The users this process has, as far as it knows: what a reconcile registers. */
  const members = new Set<string>();
  /** A join or leave failed, or this process was swept: Redis may disagree with `members`. */
  let stale = false;
  let lastReconcileAt = 0;

  const run = (script: RedisScript, args: readonly string[]): Promise<unknown> =>
    script.run(client, [], [prefix, ...args]);

  async function reconcile(): Promise<PresenceChanges> {
    stale = false;
    lastReconcileAt = Date.now();
    try {
      const reply = await run(reconcileScript, [processId, String(leaseMs), String(retentionMs), ...members]);
      const [online, offline] = Array.isArray(reply) ? reply : [];
      return { online: strings(online), offline: strings(offline) };
    } catch (error) {
      stale = true;
      throw error;
    }
  }

  try {
    await connectWithin(client, connectTimeoutMs, describeUrl(options.url));
    await reconcile();
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw errors.explain(error);
  }
  errors.started();

  let closed = false;
  let refreshing = false;
  const refresher = setInterval(() => {
    if (refreshing || closed) return;
    refreshing = true;
    run(refreshScript, [processId, String(leaseMs), String(retentionMs)])
      .then((registered) => {
        // Swept while we could not renew: the next sweep registers us again.
        if (Number(registered) !== 1) stale = true;
      })
      .catch((error: unknown) => onError(error as Error))
      .finally(() => {
        refreshing = false;
      });
  }, refreshMs);
  refresher.unref();

  /** Runs a join or leave; a failure leaves Redis unknown, so the next sweep reconciles. */
  async function change(script: RedisScript, userId: string): Promise<boolean> {
    try {
      return Number(await run(script, [processId, userId, String(retentionMs)])) === 1;
    } catch (error) {
      stale = true;
      throw error;
    }
  }

  return {
    kind: 'redis',
    processId,
    sweepIntervalMs: options.sweepIntervalMs ?? 5000,
    join(userId) {
      members.add(userId);
      return change(joinScript, userId);
    },
    leave(userId) {
      members.delete(userId);
      return change(leaveScript, userId);
    },
    async onlineAmong(userIds) {
      if (userIds.length === 0) return new Set();
      return new Set(strings(await run(onlineScript, userIds)));
    },
    async sweep() {
      const reply = await run(sweepScript, [processId]);
      const [registered, offline] = Array.isArray(reply) ? reply : [];
      const changes: PresenceChanges = { offline: strings(offline), online: [] };
      if (Number(registered) !== 1) stale = true;
      if (stale || Date.now() - lastReconcileAt > retentionMs / 3) {
        const reconciled = await reconcile();
        changes.online.push(...reconciled.online);
        changes.offline.push(...reconciled.offline);
      }
      return changes;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(refresher);
      try {
        // Not deleted: clients reconnecting elsewhere get `releaseMs` before a sweep reports them.
        await client.sendCommand(['PEXPIRE', `${prefix}presence:process:${processId}`, String(releaseMs)]);
      } catch (error) {
        onError(error as Error);
      }
      if (client.isOpen) await client.close();
    },
  };
}
