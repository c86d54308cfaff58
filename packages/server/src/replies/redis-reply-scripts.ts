/**
 * The reply directory's layout in Redis — the keys of a reply, the leases, the stop channel — and
 * the Lua scripts over them, each one atomic step (redis-reply-directory.ts describes the layout).
 */
import { defineScript, luaNow } from '../redis/redis-client.js';

/** The hash of one reply. */
export const replyKey = (prefix: string, messageId: string) => `${prefix}reply:${messageId}`;
/** The log of one reply (a string, appended to): `replyKey` + `:t`, as the scripts build it. */
export const textKey = (prefix: string, messageId: string) => `${replyKey(prefix, messageId)}:t`;
/** The leases: messageId → expiry (ms). */
export const leasesKey = (prefix: string) => `${prefix}replies`;
/** The stop channel. */
export const stopChannel = (prefix: string) => `${prefix}replies:stop`;

/**
 * `claim(leases, key, id, claimTtlMs)`: takes the reply whose lease expired (its `ZREM` is the
 * claim), marks it being ended for `claimTtlMs` → conversationId, content ('' when it is gone).
 */
const claimPrelude = `${luaNow}
local function claim(leases, key, id, claimTtlMs)
  redis.call('ZREM', leases, id)
  local text = key .. ':t'
  local c = redis.call('HGET', key, 'c')
  if not c then return '', '' end
  redis.call('HSET', key, 'x', 1)
  redis.call('PEXPIRE', key, claimTtlMs)
  redis.call('PEXPIRE', text, claimTtlMs)
  return c, redis.call('GET', text) or ''
end
`;

/** KEYS: reply, text, leases. ARGV: id, conversationId, owner, leaseMs, keyTtlMs. */
export const registerScript = defineScript(`${luaNow}
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'n', 0, 'c', ARGV[2], 'o', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], '', 'PX', ARGV[5])
redis.call('ZADD', KEYS[3], now() + tonumber(ARGV[4]), ARGV[1])
return 1`);

/**
 * KEYS: reply, text. ARGV: from, text, new length. Appends only at the stored length (a repeated
 * or out-of-order append writes nothing); → {stored length or -1 if gone or claimed, stop requested}.
 * `APPEND`: the cost is the delta's, not the content's.
 */
export const appendScript = defineScript(`
local f = redis.call('HMGET', KEYS[1], 'n', 's', 'x')
if not f[1] then return {-1, 0} end
local stop = f[2] and 1 or 0
if f[3] then return {-1, stop} end
local n = tonumber(f[1])
if n ~= tonumber(ARGV[1]) then return {n, stop} end
redis.call('APPEND', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[1], 'n', ARGV[3])
return {tonumber(ARGV[3]), stop}`);

/** KEYS: leases. ARGV: prefix, leaseMs, keyTtlMs, ids… → the ids whose stop was requested. */
export const renewScript = defineScript(`${luaNow}
local expiry = now() + tonumber(ARGV[2])
local stopped = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], 'XX', expiry, id)
    local key = ARGV[1] .. 'reply:' .. id
    redis.call('PEXPIRE', key, ARGV[3])
    redis.call('PEXPIRE', key .. ':t', ARGV[3])
    if redis.call('HEXISTS', key, 's') == 1 then stopped[#stopped + 1] = id end
  end
end
return stopped`);

/** KEYS: reply, text, leases. ARGV: id. */
export const releaseScript = defineScript(`
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1`);

/** KEYS: reply, text, leases. ARGV: id. → nil, or {content, live}. */
export const snapshotScript = defineScript(`${luaNow}
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local t = redis.call('GET', KEYS[2]) or ''
local expiry = redis.call('ZSCORE', KEYS[3], ARGV[1])
if expiry and tonumber(expiry) > now() then return {t, 1} end
return {t, 0}`);

/** KEYS: reply, leases. ARGV: id, channel. → 1 if the reply is live (and told to stop). */
export const stopScript = defineScript(`${luaNow}
local expiry = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not expiry or tonumber(expiry) <= now() then return 0 end
redis.call('HSET', KEYS[1], 's', 1)
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1`);

/** KEYS: reply, leases. ARGV: id, claimTtlMs. → {'won', conversationId, content} | {'live'|'taken'|'none'}. */
export const claimScript = defineScript(`${claimPrelude}
local expiry = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not expiry then
  if redis.call('EXISTS', KEYS[1]) == 1 then return {'taken'} end
  return {'none'}
end
if tonumber(expiry) > now() then return {'live'} end
local c, t = claim(KEYS[2], KEYS[1], ARGV[1], ARGV[2])
return {'won', c, t}`);

/** KEYS: leases. ARGV: prefix, claimTtlMs, limit. → id, conversationId, content, id, … */
export const sweepScript = defineScript(`${claimPrelude}
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now(), 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local c, t = claim(KEYS[1], ARGV[1] .. 'reply:' .. id, id, ARGV[2])
  out[#out + 1] = id
  out[#out + 1] = c
  out[#out + 1] = t
end
return out`);

/** How long a claimed reply's hash is kept while its claimer stores it, ms. */
export const claimTtlMs = 60_000;
/** Expired leases taken per sweep (the rest wait for the next). */
export const sweepLimit = 100;
