/**
 * What an authenticated connection can do besides listening: send a message, say it is typing,
 * mark a conversation read. Each goes through the same services as REST, so the events (and the
 * rules: participants only, idempotent sends) are the same whichever way a change came in.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Broker } from '../broker/broker.js';
import { toHttpError } from '../http/error-envelope.js';
import type { ChatService } from '../replies/assistant-replies.js';
import type { ConversationService } from '../services/conversations.js';
import { brokerUnavailable } from '../services/errors.js';
import type { MessageService } from '../services/messages.js';
import { toMessage } from '../services/views.js';
import type { ActionFrame, Connection } from './connection.js';
import { encodeFrame, errorFrame } from './frames.js';
import type { TypingTracker } from './typing.js';

export interface ActionDeps {
  conversations: ConversationService;
  messages: MessageService;
  chat: ChatService;
  typing: TypingTracker;
  /** Asked before a send or a read: while it cannot publish, those are refused before any write. */
  broker: Pick<Broker, 'available'>;
  send(connection: Connection, frame: string): void;
  log: FastifyBaseLogger;
}

/** The id an error frame refers to, for the client to match it with what it sent. */
function refOf(frame: ActionFrame): string {
  if (frame.type === 'message.send') return frame.clientMessageId;
  if (frame.type === 'read') return frame.messageId;
  return frame.conversationId;
}

export function createActions(deps: ActionDeps) {
  const { conversations, messages, chat, typing } = deps;

  async function sendMessage(
    connection: Connection,
    userId: string,
    frame: Extract<ActionFrame, { type: 'message.send' }>,
  ) {
    const conversation = await conversations.requireMember(userId, frame.conversationId);
    // As over REST: an assistant conversation answers, and a bad model changes nothing stored.
    const model = conversation.type === 'assistant' ? chat.resolveModel(conversation.model) : null;
    const { message, created } = await messages.append(userId, conversation, {
      content: frame.content,
      clientMessageId: frame.clientMessageId,
    });
    deps.send(
      connection,
      encodeFrame({ type: 'ack', clientMessageId: frame.clientMessageId, message: toMessage(message) }),
    );
    if (model && created) {
      // The reply streams to every participant through the broker; nobody awaits it here.
      chat.reply({ conversation, prompt: message, model }).catch((error: unknown) => {
        deps.log.error(
          { err: error, conversationId: conversation.id },
          'assistant turn over WebSocket failed',
        );
      });
    }
  }

  async function perform(connection: Connection, userId: string, frame: ActionFrame): Promise<void> {
    // As over REST (`publishesEvents`): a write whose event could not be announced now is refused
    // before it is stored. Typing is only an event: it queues like any publish, and carries its
    // expiry, so receivers drop it if it arrives late.
    if (frame.type !== 'typing' && deps.broker.available?.() === false) throw brokerUnavailable();
    switch (frame.type) {
      case 'message.send':
        return sendMessage(connection, userId, frame);
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
        return conversations.markRead(userId, frame.conversationId, frame.messageId);
    }
  }

  return {
    /** Performs the frame; failures are answered with an `error` frame carrying the ref. */
    async act(connection: Connection, frame: ActionFrame): Promise<void> {
      const userId = connection.userId;
      if (userId === null) return;
      try {
        await perform(connection, userId, frame);
      } catch (error) {
        // The REST mapping: a store that cannot be reached is `unavailable` (retry), not `internal`.
        const answer = toHttpError(error);
        if (answer.code === 'internal') {
          deps.log.error({ err: error, frame: frame.type }, 'real-time frame failed');
          deps.send(
            connection,
            errorFrame('internal', 'Something went wrong on our side: try again', refOf(frame)),
          );
          return;
        }
        if (answer.status >= 500) deps.log.warn({ err: error, frame: frame.type }, 'real-time frame failed');
        deps.send(connection, errorFrame(answer.code, answer.message, refOf(frame)));
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
