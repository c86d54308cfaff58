/**
 * Sending a message — the one use case behind REST `POST /v1/conversations/:id/messages` and the
 * WebSocket's `message.send`; both edges only translate. In order: membership (404 to anyone
 * else), the content's byte limit, the attachments (`attachments.ts`: the sender's own uploads),
 * the model rule, idempotency on `clientMessageId`, the append (which claims the files), the
 * `message.created` publish, and — in an assistant conversation, or a direct or group one whose
 * assistant member should answer (`assistant-trigger.ts`) — the reply's turn.
 *
 * An assistant conversation's prompt and its reply's `streaming` placeholder are appended in one
 * step (`Store.appendMessage(prompt, reply)`): no message comes between them, and a retried send
 * (same `clientMessageId`) that arrives while the first attempt is still running — even on another
 * process — finds that attempt's reply and follows it instead of starting a second one.
 */
import type { Message, RealtimeEvent, SendMessageInput } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import { newId } from '../ids.js';
import type { ResolvedModel } from '../providers/registry.js';
import type { AssistantReplies, TurnListener, TurnOutcome } from '../replies/assistant-replies.js';
import { requireModelAccepts } from '../replies/model-accepts.js';
import type { FileRecord, Membership, MessageRecord, NewMessage, Store } from '../store/store.js';
import { checkClientTools } from '../tools/client-tools.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { assistantTurnFor } from './assistant-trigger.js';
import { asAttachmentError, personMessageParts, resolveAttachments } from './attachments.js';
import type { Clock } from './clock.js';
import type { ConversationService } from './conversations.js';
import { Invalid, NotFound } from './errors.js';
import { requireContentWithin } from './message-content.js';
import { mentionedIn } from './message-mentions.js';
import { asParentError, resolveThreadFields, type ThreadService } from './threads.js';
import type { Presenter } from './views.js';

export interface SendMessageDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  conversations: Pick<ConversationService, 'requireMember'>;
  assistants: AssistantReplies;
  /** Largest message content, UTF-8 bytes (`limits.messageBytes`). */
  messageBytes: number;
  /** The server's tools: a client may not declare one of their names. */
  tools: Pick<ToolRegistry, 'get'>;
  /** Largest input schema of a client tool, bytes of JSON (`limits.clientToolSchemaBytes`). */
  clientToolSchemaBytes: number;
  /** How the message goes out (its files' signed URLs). */
  present: Pick<Presenter, 'message'>;
  /** A reply's parent's new summary going out (`threads.ts`). */
  threads: Pick<ThreadService, 'announceParent'>;
  /** Characters of a quote's snapshot (`QUOTE_SNAPSHOT_CHARS`, default 200). */
  quoteSnapshotChars: number;
}

/**
 * Orders the appends of sends that run at once but must be stored in the order they were made (a
 * socket's pipelined `message.send` frames, realtime/frame-pipeline.ts).
 */
export interface SendOrder {
  /** Settles once the previous send has handed its append to the store (or never will). */
  readonly turn: Promise<void>;
  /** This send has handed its append to the store, or will not append: the next send may go. */
  handedOver(): void;
}

/** What a send stored, and the reply it started or found. */
export interface SentMessage {
  /** The message as stored (for a retry: as stored the first time), as it goes out. */
  message: Message;
  /** `false` for a retry: the `clientMessageId` was seen before and nothing new was stored. */
  created: boolean;
  /**
   * In an assistant conversation, the reply's turn, settling once the reply ended: the turn this
   * send started, or — for a retry with a `listener` — the first attempt's, followed. `null` in a
   * conversation between people (a reply there is everyone's, followed over the WebSocket, and the
   * send does not wait for it) and for a retry nobody follows.
   */
  reply: Promise<TurnOutcome> | null;
}

/** A message as one user's send stores it: its text, then its files. */
function promptRecord(
  userId: string,
  conversationId: string,
  input: SendMessageInput,
  files: readonly FileRecord[],
  now: string,
  mentions: string[],
): NewMessage {
  return {
    id: newId(),
    conversationId,
    senderId: userId,
    role: 'user',
    ...personMessageParts(input.content, files),
    status: 'complete',
    clientMessageId: input.clientMessageId ?? null,
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    promptId: null,
    clientTools: null,
    createdAt: now,
    editedAt: null,
    mentions,
  };
}

/** The `streaming` placeholder of the reply to `prompt`, stored with it, with the client's tools. */
function replyRecord(
  replyId: string,
  prompt: NewMessage,
  model: ResolvedModel,
  clientTools: SendMessageInput['tools'],
): NewMessage {
  return {
    ...prompt,
    id: replyId,
    senderId: null,
    role: 'assistant',
    parts: [],
    content: '',
    clientTools: clientTools?.length ? clientTools : null,
    status: 'streaming',
    clientMessageId: null,
    model: model.alias,
    promptId: prompt.id,
    mentions: [],
    // A question asked in a thread is answered in that thread; the answer quotes nothing.
    quoted: null,
  };
}

/** The model of an assistant member's alias; `null` when the server no longer offers it. */
function assistantOrNothing(assistants: AssistantReplies, alias: string | null): ResolvedModel | null {
  try {
    return assistants.resolveModel(alias);
  } catch {
    return null;
  }
}

/** A retry's reply: the first attempt's, followed from its start to its end. */
async function followExisting(
  assistants: AssistantReplies,
  reply: MessageRecord,
  listener: TurnListener,
): Promise<TurnOutcome> {
  let final = reply;
  await assistants.follow(
    reply,
    { part: 0, offset: 0 },
    (event) => {
      if (event.type === 'message.completed') final = { ...reply, ...event.message };
      return listener.onEvent(event);
    },
    listener.signal ?? new AbortController().signal,
  );
  return { reply: final, failure: null };
}

export function createSendMessage(deps: SendMessageDeps) {
  const { store, broker, clock, conversations, assistants, present } = deps;

  const publish = (conversation: Membership, event: RealtimeEvent) =>
    broker.publish({ recipients: conversation.participantIds, event });

  /** Everyone hears of the message; the requester first of all, on its own stream. */
  async function announce(conversation: Membership, message: Message, listener?: TurnListener) {
    const created = { type: 'message.created' as const, conversationId: conversation.id, message };
    // Published for a retry too: the process that stored it may have died before publishing (the
    // SDK drops a second `message.created` of one id).
    await publish(conversation, created);
    await listener?.onEvent(created);
    // A thread reply changed its parent's summary (a retry too, as above).
    if (message.parentId) await deps.threads.announceParent(conversation, message.parentId);
  }

  /**
   * Appends, with a failed claim of a file answered as the attachment's 404 or 409. In its `order`
   * (a socket's pipelined sends): handed to the store after the previous send's append, so that
   * the store (which takes appends in call order) gives them seqs in the order they were sent.
   */
  async function append(
    input: SendMessageInput,
    order: SendOrder | undefined,
    prompt: NewMessage,
    reply?: NewMessage,
  ) {
    if (order) await order.turn;
    try {
      const appending = store.appendMessage(prompt, reply);
      order?.handedOver();
      const appended = await appending;
      if (!appended) throw new NotFound('Conversation not found');
      return appended;
    } catch (error) {
      throw asAttachmentError(asParentError(error), input.attachments ?? []);
    }
  }

  /**
   * Sends `input` as `userId` to conversation `conversationId`. Resolves once the message is
   * stored and announced (a turn then goes on: see {@link SentMessage.reply}). `listener` follows
   * the reply of an assistant conversation from `message.created` (the prompt) to
   * `message.completed`; without one, the reply runs to its end regardless. `order` sequences the
   * appends of one client's pipelined sends (see `realtime/frame-pipeline.ts`).
   */
  return async function sendMessage(
    userId: string,
    conversationId: string,
    input: SendMessageInput,
    listener?: TurnListener,
    order?: SendOrder,
  ): Promise<SentMessage> {
    const conversation = await conversations.requireMember(userId, conversationId);
    requireContentWithin(input.content, deps.messageBytes);
    const now = clock.now();
    const files = await resolveAttachments(store, userId, input.attachments ?? [], now);
    const mentions = await mentionedIn(store, conversation, userId, input.content, input.mentions);
    const threadFields = await resolveThreadFields(store, conversation, input, deps.quoteSnapshotChars);
    const prompt = {
      ...promptRecord(userId, conversation.id, input, files, now.toISOString(), mentions),
      ...threadFields,
    };

    if (conversation.type !== 'assistant' && (input.model !== undefined || input.tools !== undefined)) {
      const field = input.model !== undefined ? 'model' : 'tools';
      throw new Invalid(
        `Only assistant conversations take a ${field === 'model' ? 'model' : 'list of tools'}`,
        [{ path: [field], message: 'Not allowed in a human conversation' }],
      );
    }
    const turnModel = assistantTurnFor(conversation, input.content, input.model);
    const between = conversation.type !== 'assistant';
    // Resolved before anything is stored: a bad alias changes nothing. Between people an assistant
    // member never stands in a person's way: one whose alias the server no longer offers answers
    // nothing, and the message is sent all the same.
    const model = !turnModel
      ? null
      : between
        ? assistantOrNothing(assistants, turnModel.alias)
        : assistants.resolveModel(turnModel.alias);
    if (!model) {
      const appended = await append(input, order, prompt);
      const message = present.message(appended.message);
      await announce(conversation, message);
      return { message, created: appended.created, reply: null };
    }

    // Resolved before anything is stored: a bad tool changes nothing.
    checkClientTools(input.tools ?? [], {
      maxSchemaBytes: deps.clientToolSchemaBytes,
      serverTools: deps.tools,
    });
    // An image needs a model with vision: refused here, before anything is prepared or stored.
    // Between people it is sent anyway (the model is told an image is there, not shown it).
    if (!between) requireModelAccepts(model, prompt.parts);
    // Between people the reply is everyone's: it reaches them all — the sender too — over the
    // WebSocket (or `GET …/stream`), and the send answers once its message is stored, whatever the
    // model does. Only an assistant conversation's requester follows the turn on its request.
    const follower = between ? undefined : listener;
    const turn = await assistants.prepare({
      conversation,
      model,
      ...(follower ? { listener: follower } : {}),
    });
    let appended: Awaited<ReturnType<typeof append>>;
    try {
      appended = await append(input, order, prompt, replyRecord(turn.replyId, prompt, model, input.tools));
    } catch (error) {
      await assistants.discard(turn);
      throw error;
    }
    const { created, reply } = appended;
    const message = present.message(appended.message);
    if (!created || !reply) {
      await assistants.discard(turn);
      await announce(conversation, message, follower);
      return {
        message,
        created,
        reply: reply && follower ? followExisting(assistants, reply, follower) : null,
      };
    }
    const announced = announce(conversation, message, follower);
    const outcome = assistants.run(turn, {
      reply,
      prompt: appended.message,
      userId,
      regenerated: false,
      announced,
    });
    // The turn settles on its own (its failures are stored on the reply); awaited by who follows.
    outcome.catch(() => undefined);
    await announced;
    return { message, created, reply: between ? null : outcome };
  };
}

export type SendMessage = ReturnType<typeof createSendMessage>;
