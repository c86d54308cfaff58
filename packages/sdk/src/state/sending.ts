/**
 * Own messages: shown at once as `sending`, then delivered — once their files are uploaded,
 * streamed with the assistant's reply in an assistant conversation, over REST in the others — and
 * `sent` or `failed`. A failed one is sent again under the same `clientMessageId` (its failed
 * uploads started again): the server stores it once, whatever happened before.
 */
import type { Conversation } from '../contracts/resources.js';
import { asError, newClientMessageId } from '../internal/foundation.js';
import { failDelivery, fromServer, unstoredMessage } from './message-list.js';
import type { Replies } from './replies.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage, SendOptions } from './types.js';
import { filePartOf, type Uploads } from './uploads.js';

export function createSending(
  ctx: StoreContext,
  replies: Replies,
  uploads: Uploads,
  /** Fetches the conversation of a send, when the store lacks it. */
  loadConversation: (id: string) => Promise<Conversation>,
) {
  const { client } = ctx;
  /** Per conversation: the last send's handing to the network. Sends leave in the order made. */
  const leaving = new Map<string, Promise<void>>();

  async function deliver(
    conversationId: string,
    message: ChatMessage,
    { model, tools, quotedMessageId = message.quoted?.messageId }: SendOptions = {},
    again = false,
  ) {
    const { content, clientMessageId } = message;
    const at = ctx.epoch;
    const markFailed = (error: Error) =>
      at === ctx.epoch && ctx.updateItems(conversationId, (items) => failDelivery(items, message.key, error));
    let conversation = ctx.get().conversations[conversationId];
    let attachments: { fileId: string }[] | undefined;
    const before = leaving.get(conversationId);
    let leave = () => {};
    leaving.set(conversationId, new Promise((resolve) => (leave = resolve)));
    try {
      // The files first: a message is sent with all of them or not at all.
      if (message.uploads?.length)
        attachments = (await uploads.settle(message.uploads, again)).map((file) => ({ fileId: file.id }));
      conversation ??= await loadConversation(conversationId);
    } catch (error) {
      return void markFailed(asError(error));
    } finally {
      // Not before the message sent earlier, even when this one's files were quicker than its.
      await before;
      leave();
    }
    const body = {
      content,
      clientMessageId: clientMessageId as string,
      ...(model && { model }),
      ...(attachments && { attachments }),
      ...(quotedMessageId && { quotedMessageId }),
    };
    if (conversation.type === 'assistant') {
      ctx.setTurn(conversationId, { status: 'submitted', replyId: null, error: null });
      const stream = client.messages.stream(conversationId, { ...body, tools: ctx.toolsWith(tools) });
      await replies.follow(conversationId, stream, { sending: message });
    } else {
      await ctx.guarded(
        () => client.messages.send(conversationId, body),
        (result) => {
          ctx.upsert(conversationId, fromServer(result.message));
          ctx.noteMessage(result.message);
        },
        markFailed,
      );
    }
    // Stored: its files are its parts now. (A failed send keeps them, for its retry.)
    if (message.uploads && ctx.find(conversationId, message.key)?.delivery === 'sent')
      uploads.forget(message.uploads);
  }

  /** The quote an unsent message shows until the server's snapshot replaces it. */
  const quoteOf = (quoted: ChatMessage | undefined): ChatMessage['quoted'] =>
    quoted
      ? {
          messageId: quoted.id,
          senderId: quoted.senderId,
          content: quoted.content,
          createdAt: quoted.createdAt,
          deleted: false,
        }
      : null;

  return {
    async send(conversationId: string, content: string, options: SendOptions = {}) {
      const clientMessageId = newClientMessageId();
      const attached = uploads.take(conversationId, clientMessageId, options.files);
      const message: ChatMessage = {
        ...unstoredMessage({
          id: clientMessageId,
          conversationId,
          senderId: ctx.me() ?? null,
          role: 'user',
          // As the server stores it: the text (if any), then the files.
          parts: [
            ...(content || attached.length === 0 ? [{ type: 'text' as const, text: content }] : []),
            ...attached.map(filePartOf),
          ],
          content,
          status: 'complete',
          clientMessageId,
          model: null,
          createdAt: new Date(ctx.now()).toISOString(),
        }),
        key: clientMessageId,
        delivery: 'sending',
        error: null,
        ...(attached.length > 0 && { uploads: attached }),
        quoted: quoteOf(ctx.find(conversationId, options.quotedMessageId ?? '')),
      };
      ctx.upsert(conversationId, message);
      await deliver(conversationId, message, options);
    },

    async retry(conversationId: string, key: string) {
      const message = ctx.find(conversationId, key);
      if (message?.delivery !== 'failed') return;
      const sending: ChatMessage = { ...message, delivery: 'sending', error: null };
      ctx.upsert(conversationId, sending);
      await deliver(conversationId, sending, {}, true);
    },
  };
}
