/**
 * `Store.getMembership` on PostgreSQL: the read every send, typing indicator and read marker
 * makes. Reading the whole conversation (every participant with their read state, plus the last
 * message) cost a 1,001-member group ~4.5 ms a message and capped it at a few dozen messages a
 * second; this reads one row — the conversation, the caller's participant row and
 * `membership_version` — and takes the participant ids from a per-process cache keyed by
 * (conversation id, version).
 *
 * Correct across processes without any invalidation message: the version is read in the same
 * statement as the membership check, and every change to the set of participants bumps it in
 * its own transaction (`participants.ts`). A removed member is refused at once everywhere, and a
 * process that sees a new version fetches the ids again.
 */
import type { AssistantMember, ConversationType, ParticipantRole } from '@chatwire/sdk/contracts';
import { LruCache } from '../lru-cache.js';
import type { Membership } from '../store.js';
import { isUuid } from './ids.js';
import type { Queryable } from './pool.js';

interface MembershipRow {
  id: string;
  type: ConversationType;
  title: string | null;
  model: string | null;
  system_prompt: string | null;
  membership_version: number;
  role: ParticipantRole;
  assistant: AssistantMember | null;
  /** Only when asked for (nothing cached for the conversation yet). */
  participant_ids?: string[];
}

interface CachedIds {
  version: number;
  ids: readonly string[];
}

/** The ids in joining order; `text[]` so node-postgres hands back plain strings. */
const PARTICIPANT_IDS = `array(SELECT p.user_id::text FROM participants p
  WHERE p.conversation_id = c.id ORDER BY p.position) AS participant_ids`;

export interface MembershipReader {
  read(db: Queryable, id: string, userId: string): Promise<Membership | null>;
  /** Drops what is cached for a conversation this process deleted. */
  forget(id: string): void;
  clear(): void;
}

/**
 * @param capacity How many conversations' ids to keep (least recently used go first).
 * @param maxIds How many ids in all (~40 bytes each): 10,000 small conversations are a few MB,
 *   and a process serving many thousand-member groups stays within ~40 MB by default.
 */
export function createMembershipReader(capacity = 10_000, maxIds = 1_000_000): MembershipReader {
  const cache = new LruCache<string, CachedIds>(capacity, {
    weigh: (cached) => cached.ids.length,
    maxWeight: maxIds,
  });

  /** The ids and version as one snapshot (one statement), for a version the cache does not hold. */
  async function fetchIds(db: Queryable, id: string): Promise<CachedIds | null> {
    const result = await db.query<{ membership_version: number; participant_ids: string[] }>(
      `SELECT c.membership_version, ${PARTICIPANT_IDS} FROM conversations c WHERE c.id = $1`,
      [id],
    );
    const row = result.rows[0];
    return row ? { version: row.membership_version, ids: row.participant_ids } : null;
  }

  return {
    async read(db, id, userId) {
      if (!isUuid(id) || !isUuid(userId)) return null;
      const cached = cache.get(id);
      // Nothing cached: the ids come in the same statement (one round trip, not two).
      const result = await db.query<MembershipRow>(
        `SELECT c.id, c.type, c.title, c.model, c.system_prompt, c.membership_version, me.role, c.assistant
           ${cached === undefined ? `, ${PARTICIPANT_IDS}` : ''}
         FROM conversations c JOIN participants me ON me.conversation_id = c.id AND me.user_id = $2
         WHERE c.id = $1`,
        [id, userId],
      );
      const row = result.rows[0];
      if (!row) return null;
      let current: CachedIds | null =
        row.participant_ids !== undefined
          ? { version: row.membership_version, ids: row.participant_ids }
          : cached?.version === row.membership_version
            ? cached
            : null;
      if (current === null) {
        current = await fetchIds(db, id);
        // Changed again in between (deleted, or the caller removed): answer as the newer state.
        if (current === null || !current.ids.includes(userId)) {
          if (current === null) cache.delete(id);
          else cache.set(id, current);
          return null;
        }
      }
      if (current !== cached) cache.set(id, current);
      return {
        id: row.id,
        type: row.type,
        title: row.title,
        model: row.model,
        systemPrompt: row.system_prompt,
        role: row.role,
        // Shared by every caller (read-only by type): no copy of a thousand ids per message.
        participantIds: current.ids,
        assistant: row.assistant,
      };
    },
    forget: (id) => {
      cache.delete(id);
    },
    clear: () => cache.clear(),
  };
}
