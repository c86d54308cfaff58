/**
 * What an authenticated connection can do besides listening: send a message, say it is typing,
 * mark a conversation read. Each goes through the same services as REST, so the events (and the
 * rules: participants only, idempotent sends) are the same whichever way a change came in.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Broker } from '../broker/broker.js';
import type { ConversationService } from '../services/conversations.js';
import { asDomainError, brokerUnavailable } from '../services/errors.js';
import type { ParticipantService } from '../services/participants.js';
import type { SendMessage } from '../services/send-message.js';
import type { ActionFrame, Connection } from './connection.js';
import type { Answer, SendOrder } from './frame-pipeline.js';
import { encodeFrame, errorFrame } from './frames.js';
import type { TypingTracker } from './typing.js';

export interface ActionDeps {
  conversations: Pick<ConversationService, 'requireMember'>;
  participants: Pick<ParticipantService, 'markRead'>;
  sendMessage: SendMessage;
  typing: TypingTracker;
  /** Asked before a send or a read: while it cannot publish, those are refused before any write. */
  broker: Pick<Broker, 'available'>;
  log: FastifyBaseLogger;
}

/** The id an error frame refers to, for the client to match it with what it sent. */
function refOf(frame: ActionFrame): string {
  if (frame.type === 'message.send') return frame.clientMessageId;
  if (frame.type === 'read') return frame.messageId;
  return frame.conversationId;
}

export function createActions(deps: ActionDeps) {
  const { conversations, typing } = deps;

  /** The REST send's use case: the `ack` once stored; an assistant's reply reaches everyone as events. */
  async function sendMessage(
    userId: string,
    frame: Extract<ActionFrame, { type: 'message.send' }>,
    answer: Answer,
    order: SendOrder | undefined,
  ) {
    const { type: _type, conversationId, ...input } = frame;
    const { message, reply } = await deps.sendMessage(userId, conversationId, input, undefined, order);
    answer(encodeFrame({ type: 'ack', clientMessageId: frame.clientMessageId, message }));
    // Nobody awaits the reply here: it streams to every participant through the broker.
    reply?.catch((error: unknown) => {
      deps.log.error({ err: error, conversationId }, 'assistant turn over WebSocket failed');
    });
  }

  async function perform(
    connection: Connection,
    userId: string,
    frame: ActionFrame,
    answer: Answer,
    order: SendOrder | undefined,
  ): Promise<void> {
    // As over REST (`publishesEvents`): a write whose event could not be announced now is refused
    // before it is stored. Typing is only an event: it queues like any publish, and carries its
    // expiry, so receivers drop it if it arrives late.
    if (frame.type !== 'typing' && deps.broker.available?.() === false) throw brokerUnavailable();
    switch (frame.type) {
      case 'message.send':
        return sendMessage(userId, frame, answer, order);
      case 'typing': {
        if (frame.state === 'stop') {
          connection.typingIn?.delete(frame.conversationId);
          return typing.stop(userId, frame.conversationId);
        }
        const conversation = await conversations.requireMember(userId, frame.conversationId);
        connection.typingIn ??= new Set();
        connection.typingIn.add(conversation.id);
        return typing.start(userId, conversation);
      }
      case 'read':
        return deps.participants.markRead(userId, frame.conversationId, frame.messageId);
    }
  }

  return {
    /** Performs the frame; failures are answered with an `error` frame carrying the ref. */
    async act(
      connection: Connection,
      frame: ActionFrame,
      answer: Answer,
      order: SendOrder | undefined,
    ): Promise<void> {
      const userId = connection.userId;
      if (userId === null) return;
      try {
        await perform(connection, userId, frame, answer, order);
      } catch (error) {
        // The gateway's one mapping of a failure: a domain error as its code and message (with the
        // fields at fault, paths in the frame), anything else `internal` — logged, never shown.
        const domain = asDomainError(error);
        if (!domain) {
          deps.log.error({ err: error, frame: frame.type }, 'real-time frame failed');
          answer(errorFrame('internal', 'Something went wrong on our side: try again', refOf(frame)));
          return;
        }
        if (domain.code === 'unavailable')
          deps.log.warn({ err: error, frame: frame.type }, 'real-time frame failed');
        answer(errorFrame(domain.code, domain.message, refOf(frame), domain.fields));
      }
    },

    /** Ends the typing indicators a closing connection left on. */
    stopTyping(connection: Connection): void {
      if (!connection.userId || !connection.typingIn) return;
      for (const conversationId of connection.typingIn) {
        typing.stop(connection.userId, conversationId).catch(() => {});
      }
      connection.typingIn = null;
    },
  };
}
