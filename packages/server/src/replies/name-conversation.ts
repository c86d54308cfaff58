/**
 * Titling an untitled conversation after its first exchange: its first prompt's words, shortened
 * (or, for a prompt of files only, their names).
 */
import type { Broker } from '../broker/broker.js';
import type { Clock } from '../services/clock.js';
import { participantIds, toConversation } from '../services/views.js';
import type { Membership, MessageRecord, Store } from '../store/store.js';

const titleLength = 60;

/** Titles an untitled conversation after its first prompt, and tells its participants. */
export async function nameConversation(
  deps: { store: Store; broker: Broker; clock: Clock },
  conversation: Membership,
  prompt: MessageRecord,
): Promise<void> {
  if (conversation.title) return;
  const fileNames = prompt.parts.flatMap((part) => (part.type === 'file' ? [part.filename ?? 'file'] : []));
  const words = (prompt.content.trim() === '' ? fileNames.join(', ') : prompt.content)
    .replace(/\s+/g, ' ')
    .trim();
  if (words === '') return;
  const title = words.length > titleLength ? `${words.slice(0, titleLength - 1).trimEnd()}…` : words;
  const updated = await deps.store.updateConversation(conversation.id, {
    title,
    updatedAt: deps.clock.now().toISOString(),
  });
  if (!updated) return;
  for (const userId of participantIds(updated)) {
    await deps.broker.publish({
      recipients: [userId],
      event: { type: 'conversation.updated', conversation: toConversation(updated, userId) },
    });
  }
}
