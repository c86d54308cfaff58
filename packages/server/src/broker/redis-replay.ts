/**
 * `Broker.replay` over the shared stream (a resume on a process without the user's buffer): a
 * scan of `XRANGE` pages for the entries addressed to one user.
 */
import { defineScript, luaNow, type RedisClient } from '../redis/redis-client.js';
import type { BrokerMessage, ReplayedEvent, ReplayLimits } from './broker.js';
import { entriesOf, fieldOf, positionOf, type RawEntry } from './redis-stream.js';

/** A position → the stream id it came from (the inverse of `positionOf` for counters below 1000). */
function idOf(position: number): string {
  return `${Math.floor(position / 1000)}-${position % 1000}`;
}

/**
 * KEYS: stream. ARGV: start, end, count. One page of a replay scan, in one atomic step with the
 * stream's oldest id and Redis's clock (ms). Trimming (`MAXLEN ~`) only ever removes the oldest
 * entries, so if the oldest entry left is at or below the replay's `after`, nothing after `after`
 * had been trimmed when this page was read: the page is complete.
 */
const replayPageScript = defineScript(`${luaNow}
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local page = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
return {oldest[1] and oldest[1][1] or '', now(), page}`);

/** The entries of a raw RESP2 `XRANGE` reply: `[[id, [field, value, …]], …]`. */
function rangeEntriesOf(reply: unknown): RawEntry[] {
  return entriesOf([[null, reply]]);
}

export interface ReplayScan {
  client: RedisClient;
  key: string;
  pageSize: number;
  maxScan: number;
}

/**
 * `Broker.replay` over the shared stream: pages of `XRANGE` from just before `after` to `upTo`,
 * keeping the entries addressed to `userId`. Per-user logs in Redis would make this one short
 * read, but every publish would then cost one `XADD` (and one copy) per recipient; this way a
 * publish stays one `XADD` and a resume pays for a scan of what was published while it was away.
 *
 * The reader delivers an entry at `positionOf(id)` unless that is not above the previous entry's
 * position (a counter of 1000 or more in one millisecond), when it delivers previous + 1 instead:
 * positions then no longer map back to ids. So the scan starts one millisecond before `after`
 * (an `after` handed out for such an entry is found there) and gives up on any such counter.
 */
export async function replayScan(
  scan: ReplayScan,
  userId: string,
  after: number,
  upTo: number,
  limits: ReplayLimits,
): Promise<ReplayedEvent[] | null> {
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(upTo) || after < 0 || upTo < after) return null;
  const events: ReplayedEvent[] = [];
  // A cheap test before parsing: the recipients list holds the id as a JSON string.
  const quotedUser = JSON.stringify(userId);
  const end = idOf(upTo);
  let start = `${Math.max(Math.floor(after / 1000) - 1, 0)}-0`;
  let scanned = 0;
  let oldestAllowed: number | undefined;
  for (;;) {
    const reply = (await replayPageScript.run(
      scan.client,
      [scan.key],
      [start, end, scan.pageSize],
    )) as unknown[];
    const oldest = positionOf(String(reply[0]));
    // An empty stream (Redis lost it, or nothing was ever published) or entries after `after`
    // trimmed away: what the client missed cannot be known.
    if (oldest === undefined || oldest > after) return null;
    oldestAllowed ??= Number(reply[1]) - limits.maxAgeMs;
    const page = rangeEntriesOf(reply[2]);
    for (const [id, fields] of page) {
      const [ms, counter] = id.split('-').map(Number) as [number, number];
      if (counter >= 1000) return null;
      const position = ms * 1000 + counter;
      if (position <= after) continue;
      scanned += 1;
      if (scanned > scan.maxScan) return null;
      const payload = fieldOf(fields, 'm');
      if (payload === undefined || !payload.includes(quotedUser)) continue;
      let message: BrokerMessage;
      try {
        message = JSON.parse(payload) as BrokerMessage;
      } catch {
        continue; // the reader skipped it too: nobody got it
      }
      if (!message.recipients.includes(userId)) continue;
      if (ms < oldestAllowed) return null;
      events.push({ position, event: message.event });
      if (events.length > limits.maxEvents) return null;
    }
    const last = page[page.length - 1];
    if (page.length < scan.pageSize || !last) return events;
    start = `(${last[0]}`;
  }
}
