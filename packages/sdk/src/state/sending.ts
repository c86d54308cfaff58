/**
 * Own messages: shown at once as `sending`, then delivered — streamed with the assistant's reply
 * in an assistant conversation, over REST in the others — and `sent` or `failed`. A failed one is
 * sent again under the same `clientMessageId`: the server stores it once, whatever happened before.
 */
import type { Conversation } from '../contracts/resources.js';
import { asError, newClientMessageId } from '../internal/foundation.js';
import { failDelivery, fromServer, unstoredMessage } from './message-list.js';
import type { Replies } from './replies.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage, SendOptions } from './types.js';

export function createSending(
  ctx: StoreContext,
  replies: Replies,
  /** Fetches the conversation of a send, when the store lacks it. */
  loadConversation: (id: string) => Promise<Conversation>,
) {
  const { client } = ctx;

  async function deliver(conversationId: string, message: ChatMessage, { model, tools }: SendOptions = {}) {
    const { content, clientMessageId } = message;
    const at = ctx.epoch;
    const markFailed = (error: Error) =>
      at === ctx.epoch && ctx.updateItems(conversationId, (items) => failDelivery(items, message.key, error));
    let conversation = ctx.get().conversations[conversationId];
    try {
      conversation ??= await loadConversation(conversationId);
    } catch (error) {
      return void markFailed(asError(error));
    }
    const body = { content, clientMessageId: clientMessageId as string, ...(model && { model }) };
    if (conversation.type === 'assistant') {
      ctx.setTurn(conversationId, { status: 'submitted', replyId: null, error: null });
      const stream = client.messages.stream(conversationId, { ...body, tools: ctx.toolsWith(tools) });
      return replies.follow(conversationId, stream, { sending: message });
    }
    await ctx.guarded(
      () => client.messages.send(conversationId, body),
      (result) => {
        ctx.upsert(conversationId, fromServer(result.message));
        ctx.noteMessage(result.message);
      },
      markFailed,
    );
  }

  return {
    async send(conversationId: string, content: string, options: SendOptions = {}) {
      const clientMessageId = newClientMessageId();
      const message: ChatMessage = {
        ...unstoredMessage({
          id: clientMessageId,
          conversationId,
          senderId: ctx.me() ?? null,
          role: 'user',
          parts: [{ type: 'text', text: content }],
          content,
          status: 'complete',
          clientMessageId,
          model: null,
          createdAt: new Date(ctx.now()).toISOString(),
        }),
        key: clientMessageId,
        delivery: 'sending',
        error: null,
      };
      ctx.upsert(conversationId, message);
      await deliver(conversationId, message, options);
    },

    async retry(conversationId: string, key: string) {
      const message = ctx.find(conversationId, key);
      if (message?.delivery !== 'failed') return;
      const sending: ChatMessage = { ...message, delivery: 'sending', error: null };
      ctx.upsert(conversationId, sending);
      await deliver(conversationId, sending);
    },
  };
}
