/**
 * Whom a person's message mentions, among the conversation's current participants: the names are
 * read only when the text has an `@` at all, so most sends cost nothing more.
 */
import type { Membership, Store } from '../store/store.js';
import { mentionsIn } from './mentions.js';

/**
 * The participants (the sender excluded) that `content` mentions, with the client's `claimed` ids
 * kept where the text names them (see `mentions.ts`).
 *
 * @example
 * ```ts
 * const mentions = await mentionedIn(store, membership, userId, input.content, input.mentions);
 * ```
 */
export async function mentionedIn(
  store: Pick<Store, 'getUsers'>,
  membership: Pick<Membership, 'participantIds'>,
  senderId: string,
  content: string,
  claimed?: readonly string[],
): Promise<string[]> {
  if (!content.includes('@')) return [];
  const others = membership.participantIds.filter((id) => id !== senderId);
  if (others.length === 0) return [];
  const users = await store.getUsers(others);
  return mentionsIn(
    content,
    users.map(({ id, displayName }) => ({ id, displayName })),
    claimed,
  );
}
