/**
 * What a participant does with an assistant reply: regenerate it, follow it from an offset (a
 * reloaded page re-attaching), stop it. Who may, and which reply: here; how: `replies/`.
 *
 * Rules (docs/DESIGN.md, "Turns"):
 * - a reply answers its prompt — the user message it was appended with (`promptId`). Regenerating
 *   a reply whose prompt was deleted is refused (`Conflict`), never answered from an older one;
 * - a reply still being generated (here or elsewhere) cannot be regenerated (`Conflict`); of two
 *   racing regenerates exactly one wins, on any number of processes sharing the store;
 * - stopping a reply that waits for a tool's result or an approval ends the wait: `aborted`;
 * - in a conversation between people, only the person whose message a reply answers, or the
 *   owner, may stop or regenerate it (`reply-steering.ts`).
 */
import type { ChatStreamEvent, Message, RegenerateInput } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { AssistantReplies, TurnListener, TurnOutcome } from '../replies/assistant-replies.js';
import type { ReplyPosition } from '../replies/turn.js';
import { withUnfinishedCallsEnded } from '../replies/unfinished-calls.js';
import type { Membership, MessageRecord, Store } from '../store/store.js';
import type { ConversationService } from './conversations.js';
import { Conflict, NotFound, Refused } from './errors.js';
import { requireMaySteer } from './reply-steering.js';
import { toMessage } from './views.js';

export interface ReplyActionsDeps {
  store: Store;
  broker: Broker;
  conversations: Pick<ConversationService, 'requireMember'>;
  assistants: AssistantReplies;
}

const messageNotFound = () => new NotFound('Message not found');

export function createReplyActions(deps: ReplyActionsDeps) {
  const { store, broker, conversations, assistants } = deps;

  async function requireMessage(conversationId: string, messageId: string): Promise<MessageRecord> {
    const message = await store.getMessage(conversationId, messageId);
    if (!message) throw messageNotFound();
    return message;
  }

  /** The user message `reply` answers; `Conflict` when it was deleted. */
  async function promptOf(reply: MessageRecord): Promise<MessageRecord> {
    // Replies stored before `promptId` existed answer the message right before them.
    const prompt = reply.promptId
      ? await store.getMessage(reply.conversationId, reply.promptId)
      : ((await store.listMessages(reply.conversationId, { limit: 1, beforeSeq: reply.seq }))[0] ?? null);
    if (prompt?.role !== 'user' || prompt.status === 'deleted') {
      throw new Conflict('The message this reply answers was deleted: there is nothing to answer again');
    }
    return prompt;
  }

  /**
   * Ends a reply's wait for answers: stored `aborted`, the calls it waited for `output-error`
   * ("Not answered: …", so no UI shows them waiting), and everyone is told. One read-modify-write:
   * an answer recorded just before is kept, and an answer that took the reply on wins.
   */
  async function abandonWaiting(conversation: Membership, reply: MessageRecord): Promise<MessageRecord> {
    let abandoned = false;
    const after = await store.modifyMessage(conversation.id, reply.id, (current) => {
      abandoned = current.status === 'awaiting_input';
      if (!abandoned) return null;
      return {
        status: 'aborted',
        parts: withUnfinishedCallsEnded(current.parts, 'stopped', { waited: true }),
      };
    });
    // Not waiting any more (ended, taken on by an answer) or gone: what is stored stands.
    if (!after || !abandoned) return after ?? reply;
    await broker.publish({
      recipients: conversation.participantIds,
      event: { type: 'message.completed', conversationId: conversation.id, message: toMessage(after) },
    });
    return after;
  }

  return {
    /** Replaces the reply with a new one to the same prompt; `listener` follows it as it streams. */
    async regenerate(
      userId: string,
      conversationId: string,
      messageId: string,
      input: RegenerateInput,
      listener?: TurnListener,
    ): Promise<TurnOutcome> {
      const conversation = await conversations.requireMember(userId, conversationId);
      const target = await requireMessage(conversationId, messageId);
      if (target.role !== 'assistant') throw new Refused('Only assistant replies can be regenerated');
      await requireMaySteer(store, userId, conversation, target, 'regenerate');
      const prompt = await promptOf(target);
      const model = assistants.resolveModel(input.model ?? target.model ?? conversation.model);
      return assistants.regenerate({
        conversation,
        target,
        prompt,
        model,
        ...(listener ? { listener } : {}),
      });
    },

    /**
     * Follows a reply from a position (`part`, `offset`: what the follower has): what it has beyond
     * it, its live parts and deltas, its `message.completed`. Resolves when its run has ended or
     * `signal` aborts.
     */
    async follow(
      userId: string,
      conversationId: string,
      messageId: string,
      from: ReplyPosition,
      onEvent: (event: ChatStreamEvent) => void | Promise<void>,
      signal: AbortSignal,
    ): Promise<void> {
      await conversations.requireMember(userId, conversationId);
      const reply = await requireMessage(conversationId, messageId);
      if (reply.role !== 'assistant') throw messageNotFound();
      await assistants.follow(reply, from, onEvent, signal);
    },

    /**
     * Stops a reply being generated — a deliberate stop: stored as `aborted` with its partial
     * content — and answers it as stored; a reply that already ended is answered as it is.
     */
    async stop(userId: string, conversationId: string, messageId: string): Promise<Message> {
      const conversation = await conversations.requireMember(userId, conversationId);
      if (conversation.type !== 'assistant') {
        const target = await store.getMessage(conversationId, messageId);
        if (target?.role === 'assistant') await requireMaySteer(store, userId, conversation, target, 'stop');
      }
      // In memory first (it checks the conversation): one that waits for its turn, or that just
      // started, is found here.
      const here = await assistants.stopHere(conversationId, messageId);
      if (here) return here;
      const reply = await requireMessage(conversationId, messageId);
      if (reply.role !== 'assistant') throw new Refused('Only assistant replies can be stopped');
      // Still generating, by another process: asked to stop there, and waited for.
      const elsewhere =
        reply.status === 'streaming' ? await assistants.stopElsewhere(conversationId, messageId) : undefined;
      if (elsewhere) return elsewhere;
      // Waiting for a tool's result or an approval: the wait ends, and the reply with it.
      if (reply.status !== 'awaiting_input') return toMessage(reply);
      const abandoned = await abandonWaiting(conversation, reply);
      if (abandoned.status !== 'streaming') return toMessage(abandoned);
      // An answer took it on meanwhile: it runs now, and is stopped as a running reply is.
      return (
        (await assistants.stopHere(conversationId, messageId)) ??
        (await assistants.stopElsewhere(conversationId, messageId)) ??
        toMessage(abandoned)
      );
    },
  };
}

export type ReplyActions = ReturnType<typeof createReplyActions>;
