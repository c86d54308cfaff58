/**
 * Assistant turns: build the context, stream the provider's reply into a stored message, and
 * tell followers (the SSE response, WebSocket participants) as it goes. The reply is stored as
 * `streaming` while the provider connects and always ends `complete`, `aborted` (stopped:
 * partial content kept) or `error` (provider failed: partial content kept).
 */
import type { ChatStreamEvent, Message, RealtimeEvent, Usage } from '@chatwire/sdk/contracts';
import type { Broker } from '../events/broker.js';
import { HttpError } from '../http/http-error.js';
import { newId } from '../ids.js';
import { buildContext } from '../providers/context.js';
import { type ProviderChunk, ProviderError, streamBatches } from '../providers/provider.js';
import type { ModelRegistry, ResolvedModel } from '../providers/registry.js';
import type { ConversationRecord, MessageRecord, Store } from '../store/store.js';
import type { ActiveReplies } from './active-replies.js';
import type { Clock } from './clock.js';
import { followReply } from './follow-reply.js';
import { createReplyFanout } from './reply-fanout.js';
import { participantIds, toConversation, toMessage } from './views.js';

export interface ChatServiceDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  models: ModelRegistry;
  activeReplies: ActiveReplies;
  contextBudgetTokens: number;
  /** How many recent messages are considered for the context before the token budget trims them. */
  historyMessages?: number;
  /**
   * How long a reply's deltas are gathered before they are published to the conversation's
   * participants (WebSockets) as one `message.delta`, ms. Default 30; `0` publishes every delta.
   * The requester's SSE stream and `GET …/stream` followers always get one event per chunk.
   */
  realtimeDeltaIntervalMs?: number;
}

export interface ReplyRequest {
  conversation: ConversationRecord;
  /** The user message being answered. */
  prompt: MessageRecord;
  model: ResolvedModel;
  /** An assistant message to overwrite (regenerate); a new one is appended otherwise. */
  replace?: MessageRecord;
  /**
   * The requester, following the reply (an SSE response or a waiting JSON request): called with
   * each event of the turn, in order. When it goes away (`signal`), the reply keeps generating for
   * the grace period, in case the page re-attaches.
   */
  onEvent?: (event: ChatStreamEvent) => void;
  signal?: AbortSignal;
}

const titleLength = 60;

/** The `error` event for a failure that is not the provider's (the route words it the same way). */
function errorEvent(error: unknown): Extract<ChatStreamEvent, { type: 'error' }> {
  return error instanceof HttpError
    ? { type: 'error', error: { code: error.code, message: error.message } }
    : { type: 'error', error: { code: 'internal', message: 'Something went wrong on our side' } };
}

export function createChatService(deps: ChatServiceDeps) {
  const { store, broker, clock, models, activeReplies } = deps;

  const publish = (conversation: ConversationRecord, event: RealtimeEvent) =>
    broker.publish({ recipients: participantIds(conversation), event });

  async function context(request: ReplyRequest) {
    const history = await store.listMessages(request.conversation.id, {
      limit: deps.historyMessages ?? 200,
      beforeSeq: request.prompt.seq + 1,
    });
    const turns = history
      .filter((message) => message.status !== 'deleted' && message.status !== 'streaming' && message.content)
      .filter((message) => message.id !== request.replace?.id)
      .map((message) => ({ role: message.role, content: message.content }));
    return buildContext({
      systemPrompt: request.conversation.systemPrompt,
      history: turns,
      budgetTokens: deps.contextBudgetTokens,
    });
  }

  /** Stores the reply as `streaming` (appended, or `replace` overwritten) under `id`. */
  async function startReply(request: ReplyRequest, id: string): Promise<MessageRecord> {
    const base = { content: '', status: 'streaming' as const, model: request.model.alias, usage: null };
    if (request.replace) {
      const replaced = await store.updateMessage(request.conversation.id, request.replace.id, base);
      if (!replaced) throw new HttpError('not_found', 'Message not found');
      return replaced;
    }
    const appended = await store.appendMessage({
      ...base,
      id,
      conversationId: request.conversation.id,
      senderId: null,
      role: 'assistant',
      clientMessageId: null,
      createdAt: clock.now().toISOString(),
      editedAt: null,
    });
    if (!appended) throw new HttpError('not_found', 'Conversation not found');
    return appended.message;
  }

  async function nameConversation(conversation: ConversationRecord, prompt: MessageRecord): Promise<void> {
    if (conversation.title) return;
    const words = prompt.content.replace(/\s+/g, ' ').trim();
    const title = words.length > titleLength ? `${words.slice(0, titleLength - 1).trimEnd()}…` : words;
    const updated = await store.updateConversation(conversation.id, {
      title,
      updatedAt: clock.now().toISOString(),
    });
    if (!updated) return;
    for (const userId of participantIds(updated)) {
      await broker.publish({
        recipients: [userId],
        event: { type: 'conversation.updated', conversation: toConversation(updated, userId) },
      });
    }
  }

  return {
    /** Resolves a model alias (the conversation's, or the server default): 400 if unknown. */
    resolveModel(alias: string | null | undefined): ResolvedModel {
      try {
        return models.resolve(alias);
      } catch {
        const known = models.list().map((model) => model.id);
        throw new HttpError(
          'validation_failed',
          `Unknown model "${alias}"; this server offers: ${known.join(', ')}`,
          {
            details: [{ path: ['body', 'model'], message: `One of ${known.join(', ')}` }],
          },
        );
      }
    },

    /** Generates (or regenerates) the reply to `prompt`; resolves with it as stored at the end. */
    async reply(request: ReplyRequest): Promise<MessageRecord> {
      const { conversation, model } = request;
      const turns = await context(request);
      const messageId = request.replace?.id ?? newId();
      const controller = new AbortController();
      const active = activeReplies.start(messageId, conversation.id, controller, model.alias);
      const unfollow = activeReplies.follow(active, (event) => request.onEvent?.(event));
      request.signal?.addEventListener('abort', unfollow, { once: true });
      if (request.signal?.aborted) unfollow();

      const started = {
        type: 'message.started' as const,
        conversationId: conversation.id,
        messageId,
        model: model.alias,
      };
      const fanout = createReplyFanout({
        publish: (event) => publish(conversation, event),
        started,
        intervalMs: deps.realtimeDeltaIntervalMs ?? 30,
      });
      // A follower that asked to be waited for (its socket is backed up); awaited once per batch.
      let delivery = activeReplies.emit(active, started);

      // The request goes out first and the placeholder is written while the provider connects:
      // storing it first put a whole write between the user's message and the first token. The
      // user's message is stored before this point, always; the deltas are kept in memory (and
      // streamed to the requester) until the final write, which waits for the placeholder.
      const batches = streamBatches(model.provider, {
        model: model.model,
        messages: turns,
        signal: controller.signal,
      })[Symbol.asyncIterator]();
      let next: Promise<IteratorResult<readonly ProviderChunk[]>> | undefined = batches.next();
      const placeholder = startReply(request, messageId).then((stored) => {
        fanout.open();
        return stored;
      });
      // A placeholder that cannot be written ends the generation at once (upstream is aborted);
      // the failure itself is raised below, once the loop has stopped.
      placeholder.catch(() => controller.abort());

      let usage: Usage | null = null;
      let failure: ProviderError | null = null;
      try {
        while (next) {
          const result = await next;
          next = undefined;
          if (result.done) break;
          for (const chunk of result.value) {
            if (controller.signal.aborted) break;
            if (chunk.type === 'delta') {
              if (!chunk.text) continue;
              const offset = active.content.length;
              active.content += chunk.text;
              const delivered = activeReplies.emit(active, {
                type: 'message.delta',
                conversationId: conversation.id,
                messageId,
                offset,
                delta: chunk.text,
              });
              // Every backed-up socket resolves on its own next `drain`: the last promise covers them.
              if (delivered) delivery = delivered;
              fanout.delta(offset, chunk.text);
            } else {
              usage = chunk.usage;
            }
          }
          // Backpressure, per network read: a batch is bounded by the read that brought it.
          if (delivery) {
            await delivery;
            delivery = undefined;
          }
          if (controller.signal.aborted) break;
          next = batches.next();
        }
      } catch (error) {
        if (!controller.signal.aborted) {
          failure =
            error instanceof ProviderError
              ? error
              : new ProviderError('provider_error', 'The model provider failed');
        }
      } finally {
        // Stopped early: releases the upstream request (a no-op once the stream has ended).
        batches.return?.().catch(() => {});
      }

      let placed: MessageRecord;
      try {
        placed = await placeholder;
      } catch (error) {
        // Never stored, so never announced to participants: the requester gets the error (the
        // caller raises it), anyone else following gets it here, and nothing is left behind.
        fanout.cancel();
        request.signal?.removeEventListener('abort', unfollow);
        unfollow();
        activeReplies.abandon(active, errorEvent(error));
        throw error;
      }
      fanout.flush();

      const status = failure ? 'error' : controller.signal.aborted ? 'aborted' : 'complete';
      const stored = await store.updateMessage(conversation.id, messageId, {
        content: active.content,
        status,
        usage,
      });
      const final = stored ?? { ...placed, content: active.content, status, usage };
      // Named before `message.completed`: a client that saw the end of the first exchange then
      // finds the title (naming after it raced the client's next read of the conversation).
      if (!request.replace && status !== 'error') await nameConversation(conversation, request.prompt);
      if (failure) {
        // `error` carries the code; `message.completed` then gives the partial reply as stored.
        await activeReplies.emit(active, {
          type: 'error',
          error: { code: failure.code, message: failure.message },
        });
      }
      const completed = {
        type: 'message.completed' as const,
        conversationId: conversation.id,
        message: toMessage(final),
      };
      await Promise.all([activeReplies.emit(active, completed), fanout.complete(completed)]);
      request.signal?.removeEventListener('abort', unfollow);
      unfollow();
      return final;
    },

    /** See {@link followReply}. */
    follow: followReply({ store, activeReplies }),

    /**
     * Stops a reply of `conversationId` being generated here, and resolves with it as stored once
     * it has ended (`null` if it could not be stored at all); `undefined` at once if no such reply
     * is running. Works from the moment the reply has started, before its placeholder is stored.
     */
    stop(conversationId: string, messageId: string): Promise<Message | null> | undefined {
      const active = activeReplies.get(messageId);
      if (!active || active.conversationId !== conversationId) return undefined;
      const ended = new Promise<Message | null>((resolve) => {
        const unfollow = activeReplies.follow(
          active,
          (event) => {
            if (event.type !== 'message.completed') return;
            unfollow();
            resolve(event.message);
          },
          () => {
            unfollow();
            resolve(null);
          },
        );
      });
      active.controller.abort();
      return ended;
    },
    /** Whether a reply is being generated in this process. */
    isActive: (messageId: string) => activeReplies.get(messageId) !== undefined,
  };
}

export type ChatService = ReturnType<typeof createChatService>;
