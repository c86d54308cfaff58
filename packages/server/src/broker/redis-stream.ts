/**
 * The shared event stream's layout in Redis (see redis-broker.ts): its keys, the scripts that
 * append to it and read its head, and the reading of raw replies — entry ids as positions, an
 * entry's fields.
 */
import { defineScript, luaNow } from '../redis/redis-client.js';
import type { StreamHead } from './broker.js';

/** The stream key: one shared fan-out stream per prefix. */
export const eventsKey = (prefix: string) => `${prefix}events`;

/** The counter each entry's `n` is taken from. */
export const counterKey = (prefix: string) => `${prefix}events:n`;

/** KEYS: stream, counter. ARGV: maxLength, payload. One atomic step: stream order = counter order. */
export const publishScript = defineScript(`
local n = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[2], 'n', n)
return n`);

/**
 * KEYS: stream, counter. The last entry's id, Redis's clock (ms) and the counter, in one atomic
 * step: where the reader starts (and its `n`), and `Broker.head`. Every later `XADD *` gets an id
 * at or above that millisecond (Redis never hands out an id below its clock or its last id), so a
 * position below `ms * 1000` is never taken after this call.
 */
export const headScript = defineScript(`${luaNow}
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
return {last[1] and last[1][1] or '0-0', now(), redis.call('GET', KEYS[2]) or '0'}`);

/**
 * `Broker.head` from `headScript`'s reply. `now` = `ms * 1000 - 1`: the highest seed a process
 * started at or before this millisecond can hold (`position()`: Redis `TIME * 1000 - 1`), and
 * below every entry appended after the call (at `ms * 1000` or above) — a client resuming at or
 * below it, above everything in the stream, has missed nothing.
 */
export function streamHeadOf(reply: unknown[]): StreamHead {
  return { last: positionOf(String(reply[0])) ?? 0, now: Number(reply[1]) * 1000 - 1 };
}

/** `1700000000000-3` → 1700000000000003; `undefined` for anything else. */
export function positionOf(id: string): number | undefined {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) return undefined;
  return Number(match[1]) * 1000 + Number(match[2]);
}

/** One entry of a raw RESP2 `XREAD` reply: `[id, [field, value, …]]`. */
export type RawEntry = [id: string, fields: string[]];

/** The entries of a raw `XREAD` reply for one stream (`null` when the block timed out). */
export function entriesOf(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: RawEntry[] = [];
  for (const stream of reply) {
    if (!Array.isArray(stream) || !Array.isArray(stream[1])) continue;
    for (const entry of stream[1] as unknown[]) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1]))
        entries.push([entry[0], (entry[1] as unknown[]).map(String)]);
    }
  }
  return entries;
}

/** The value of `field` in an entry's flat field list. */
export function fieldOf(fields: string[], field: string): string | undefined {
  const index = fields.indexOf(field);
  return index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
}
