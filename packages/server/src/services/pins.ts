/**
 * Pinned messages: owners and admins pin and unpin (anyone in a direct conversation, see
 * `permissions.ts`); everyone in the conversation hears `message.updated` with the message's
 * `pinnedAt`/`pinnedBy`, so a client applies a pin as any other change to a message.
 *
 * Rules:
 * - an outsider gets the 404 of a missing conversation; a missing or deleted message is a 404;
 * - pinning a pinned message, or unpinning one that is not, changes nothing and announces nothing;
 * - at most `pinsPerConversation` pins: one more is a conflict (checked and written in one store
 *   step, `Store.setPin`, so two racing pins cannot both take the last place);
 * - deleting a message unpins it (`messages.ts`).
 */
import type { Message } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { PinChange, Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { ConversationService } from './conversations.js';
import { Conflict, NotFound } from './errors.js';
import { requireCan } from './permissions.js';
import { settleQuotes } from './threads.js';
import type { Presenter } from './views.js';

export interface PinServiceDeps {
  store: Pick<Store, 'setPin' | 'listPinnedMessages' | 'getMessage'>;
  broker: Broker;
  clock: Clock;
  conversations: Pick<ConversationService, 'requireMember'>;
  present: Pick<Presenter, 'message'>;
  /** Most pinned messages in one conversation (`PINS_PER_CONVERSATION`, default 50). */
  pinsPerConversation: number;
}

/**
 * @example
 * ```ts
 * const pins = createPinService({ store, broker, clock, conversations, present, pinsPerConversation: 50 });
 * await pins.pin(userId, conversationId, messageId); // message.pinnedAt is set
 * (await pins.list(userId, conversationId)).items; // newest pin first
 * ```
 */
export function createPinService(deps: PinServiceDeps) {
  const { store, broker, clock, conversations, present } = deps;

  async function change(userId: string, conversationId: string, messageId: string, pin: PinChange) {
    const membership = await conversations.requireMember(userId, conversationId);
    requireCan(membership.role, 'pin', membership.type);
    const result = await store.setPin(conversationId, messageId, pin, deps.pinsPerConversation);
    if (!result) throw new NotFound('Message not found');
    if (result.outcome === 'full') {
      throw new Conflict(
        `This conversation already has ${deps.pinsPerConversation} pinned messages: unpin one first`,
        { fields: [{ path: ['messageId'], message: 'One pin too many in this conversation' }] },
      );
    }
    const view = present.message(result.message);
    if (result.outcome === 'changed') {
      await broker.publish({
        recipients: membership.participantIds,
        event: { type: 'message.updated', conversationId, message: view },
      });
    }
    return view;
  }

  return {
    pin: (userId: string, conversationId: string, messageId: string): Promise<Message> =>
      change(userId, conversationId, messageId, { by: userId, at: clock.now().toISOString() }),
    unpin: (userId: string, conversationId: string, messageId: string): Promise<Message> =>
      change(userId, conversationId, messageId, null),
    async list(userId: string, conversationId: string): Promise<{ items: Message[] }> {
      await conversations.requireMember(userId, conversationId);
      const pinned = await store.listPinnedMessages(conversationId);
      // A quote of a message deleted since shows as deleted, as on every page.
      return { items: await settleQuotes(store, conversationId, pinned.map(present.message)) };
    },
  };
}

export type PinService = ReturnType<typeof createPinService>;
