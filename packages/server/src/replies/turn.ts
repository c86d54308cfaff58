/**
 * One assistant turn, from the moment its reply's `streaming` record is stored to the reply's
 * final write. The steps, in order (each a function below):
 *
 * 1. {@link prepareTurn} — before anything is stored: the reply is known to this process
 *    (`ActiveReplies`), its requester follows it, and then ({@link registerTurn}) it is known to
 *    the `ReplyDirectory`, so that a `streaming` record always has an entry a follower elsewhere
 *    can find. A turn that is not going to run after all is {@link discardTurn}ed.
 * 2. {@link runTurn}:
 *    - `contextAfterEarlierTurns` — turns take turns: a reply starts once every reply before it
 *      in the conversation has ended (here or on another process), so its context has the whole
 *      exchange before its prompt;
 *    - `generate` — the provider's reply streamed to the followers (each chunk) and to the
 *      participants (coalesced, `reply-fanout.ts`), with backpressure from the requester;
 *    - `settle` — the final write, only while the record is still `streaming` (a reply deleted
 *      while it streamed stays deleted), the directory released, the conversation named, and the
 *      end told to followers and participants.
 */
import type { ChatStreamEvent, FinishReason, Usage } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import { buildContext } from '../providers/context.js';
import { type ChatTurn, ProviderError, streamBatches } from '../providers/provider.js';
import type { ResolvedModel } from '../providers/registry.js';
import type { Clock } from '../services/clock.js';
import { asDomainError, type DomainError, ModelFailed } from '../services/errors.js';
import { participantIds, toConversation, toMessage } from '../services/views.js';
import type { Membership, MessageRecord, Store } from '../store/store.js';
import type { ActiveReplies, ActiveReply } from './active-replies.js';
import type { ReplyDirectory } from './reply-directory.js';
import { createReplyFanout, type ReplyFanout } from './reply-fanout.js';

/**
 * Someone following a turn as it happens — the SSE response of the request that asked for it, or
 * that request waiting to answer as JSON.
 */
export interface TurnListener {
  /** Each event of the turn, in order; a returned promise (a backed-up socket) holds it back. */
  onEvent(event: ChatStreamEvent): void | Promise<void>;
  /**
   * Aborted when the listener goes away: the reply keeps generating for the grace period (a
   * reloaded page may re-attach), then stops. Without a signal the turn runs to its end.
   */
  signal?: AbortSignal;
}

/** How a turn ended: the reply as stored, and what failed if it ended as `error`. */
export interface TurnOutcome {
  reply: MessageRecord;
  failure: DomainError | null;
}

export interface TurnDeps {
  store: Store;
  broker: Broker;
  clock: Clock;
  activeReplies: ActiveReplies;
  replies: ReplyDirectory;
  /** Follows a stored reply to its end (`follow-reply.ts`): how a turn waits for the ones before it. */
  follow: (
    reply: MessageRecord,
    offset: number,
    onEvent: (event: ChatStreamEvent) => void | Promise<void>,
    signal: AbortSignal,
  ) => Promise<void>;
  contextBudgetTokens: number;
  /** How many recent messages are considered for the context before the token budget trims them. */
  historyMessages: number;
  /** How long deltas are gathered before they are published to participants, ms (`0`: each one). */
  realtimeDeltaIntervalMs: number;
}

/** A turn made ready to run: known to this process, its requester following it. */
export interface PreparedTurn {
  readonly conversation: Membership;
  readonly model: ResolvedModel;
  readonly replyId: string;
  readonly controller: AbortController;
  readonly active: ActiveReply;
  /** The requester stops following (also on its signal). */
  readonly unfollow: () => void;
  /** Whether the directory knows it (so that it is released). */
  registered: boolean;
}

/** Where the reply of a turn is stored, and what it answers. */
export interface TurnPlacement {
  /** The reply's `streaming` record (appended with its prompt, or claimed by a regenerate). */
  reply: MessageRecord;
  /** The user message it answers. */
  prompt: MessageRecord;
  /** A regenerate: the conversation is not named after it. */
  regenerated: boolean;
  /**
   * Settles once the prompt's `message.created` is out (to the participants and the requester):
   * nothing of the reply is told before it. The context is read meanwhile.
   */
  announced?: Promise<void>;
}

const titleLength = 60;
const noop = () => undefined;

/** Step 1: the reply is known to this process and followed by its requester; nothing is stored yet. */
export function prepareTurn(
  deps: Pick<TurnDeps, 'activeReplies'>,
  input: { conversation: Membership; model: ResolvedModel; replyId: string; listener?: TurnListener },
): PreparedTurn {
  const { conversation, model, replyId, listener } = input;
  const controller = new AbortController();
  const active = deps.activeReplies.start(replyId, conversation.id, controller);
  const unfollow = deps.activeReplies.follow(active, listener ? (event) => listener.onEvent(event) : noop);
  const signal = listener?.signal;
  if (signal?.aborted) unfollow();
  else signal?.addEventListener('abort', unfollow, { once: true });
  return { conversation, model, replyId, controller, active, unfollow, registered: false };
}

/** Step 1, cont.: the directory knows the reply (before its record says `streaming`, where it can). */
export async function registerTurn(deps: Pick<TurnDeps, 'replies'>, turn: PreparedTurn): Promise<void> {
  await deps.replies.register({
    messageId: turn.replyId,
    conversationId: turn.conversation.id,
    onStop: () => turn.controller.abort(),
  });
  turn.registered = true;
}

/** A prepared turn that will not run (a retry found its first attempt's reply, a lost race). */
export async function discardTurn(
  deps: Pick<TurnDeps, 'activeReplies' | 'replies'>,
  turn: PreparedTurn,
): Promise<void> {
  turn.unfollow();
  deps.activeReplies.discard(turn.active);
  if (turn.registered) await deps.replies.release(turn.replyId);
}

/** What the model produced. */
interface Generated {
  usage: Usage | null;
  finishReason: FinishReason | null;
  /** Why the reply ends as `error` (the provider failed, or storage did while it was read). */
  failure: DomainError | null;
}

/**
 * Step 2: runs a prepared turn whose reply record is stored, to its end. Resolves with the reply
 * as stored; rejects only when the reply could not be settled at all (storage down at the end).
 */
export async function runTurn(
  deps: TurnDeps,
  turn: PreparedTurn,
  placement: TurnPlacement,
): Promise<TurnOutcome> {
  const { activeReplies } = deps;
  const started = {
    type: 'message.started' as const,
    conversationId: turn.conversation.id,
    messageId: turn.replyId,
    model: turn.model.alias,
  };
  const fanout = createReplyFanout({
    publish: (event) => deps.broker.publish({ recipients: turn.conversation.participantIds, event }),
    // Recorded before it is published: a follower elsewhere that subscribed, then read the
    // directory, has every delta in one or the other.
    record: (offset, text) => deps.replies.append(turn.replyId, offset, text),
    started,
    intervalMs: deps.realtimeDeltaIntervalMs,
  });
  let generated: Generated = { usage: null, finishReason: null, failure: null };
  try {
    const [context] = await Promise.all([
      contextAfterEarlierTurns(deps, turn, placement.reply),
      placement.announced,
    ]);
    if (!turn.controller.signal.aborted) {
      fanout.open();
      generated = await generate(deps, turn, context, started, fanout);
    }
  } catch (error) {
    // Reading the context failed (storage): the reply ends as `error`, as a provider failure does.
    generated = { ...generated, failure: asDomainError(error) ?? modelFailed() };
  }
  try {
    return await settle(deps, turn, placement, generated, fanout);
  } catch (error) {
    // Not stored as ended: the record stays `streaming` with no producer, and the next follower
    // (or a sweep) ends it as `error`. Whoever follows it here hears of the failure now.
    fanout.cancel();
    turn.unfollow();
    activeReplies.abandon(turn.active, streamErrorEvent(error));
    throw error;
  }
}

/**
 * The context for the reply at `reply.seq`: the conversation up to it — once every earlier reply
 * still being generated has ended (each is followed to its end; one whose producer is gone is
 * ended as `error` by the follow), so a reply never misses the exchange before its prompt.
 */
async function contextAfterEarlierTurns(
  deps: TurnDeps,
  turn: PreparedTurn,
  reply: MessageRecord,
): Promise<ChatTurn[]> {
  const { signal } = turn.controller;
  const waited = new Set<string>();
  for (;;) {
    const history = await deps.store.listMessages(turn.conversation.id, {
      limit: deps.historyMessages,
      beforeSeq: reply.seq,
    });
    const earlier = history.find(
      (message) => message.role === 'assistant' && message.status === 'streaming' && !waited.has(message.id),
    );
    if (!earlier) return contextOf(deps, turn, history);
    waited.add(earlier.id);
    await deps.follow(earlier, Number.MAX_SAFE_INTEGER, noop, signal);
    if (signal.aborted) return [];
  }
}

function contextOf(deps: TurnDeps, turn: PreparedTurn, history: readonly MessageRecord[]): ChatTurn[] {
  const turns = history
    .filter((message) => message.status !== 'deleted' && message.status !== 'streaming' && message.content)
    .map((message) => ({ role: message.role, content: message.content }));
  return buildContext({
    systemPrompt: turn.conversation.systemPrompt,
    history: turns,
    budgetTokens: deps.contextBudgetTokens,
  });
}

/**
 * The provider's reply, a network read at a time: each delta to the followers (one event per
 * chunk) and to the participants (coalesced), the followers' backpressure awaited once per read.
 */
async function generate(
  deps: TurnDeps,
  turn: PreparedTurn,
  context: ChatTurn[],
  started: ChatStreamEvent,
  fanout: ReplyFanout,
): Promise<Generated> {
  const { activeReplies } = deps;
  const { active, controller, conversation, replyId } = turn;
  const batches = streamBatches(turn.model.provider, {
    model: turn.model.model,
    messages: context,
    signal: controller.signal,
  })[Symbol.asyncIterator]();
  // A follower that asked to be waited for (its socket is backed up); awaited once per batch.
  let delivery = activeReplies.emit(active, started);
  const generated: Generated = { usage: null, finishReason: null, failure: null };
  try {
    for (;;) {
      const result = await batches.next();
      if (result.done) break;
      for (const chunk of result.value) {
        if (controller.signal.aborted) break;
        if (chunk.type === 'finish') {
          generated.usage = chunk.usage;
          generated.finishReason = chunk.reason;
          continue;
        }
        if (!chunk.text) continue;
        const offset = active.content.length;
        active.content += chunk.text;
        const delivered = activeReplies.emit(active, {
          type: 'message.delta',
          conversationId: conversation.id,
          messageId: replyId,
          offset,
          delta: chunk.text,
        });
        // Every backed-up socket resolves on its own next `drain`: the last promise covers them.
        if (delivered) delivery = delivered;
        fanout.delta(offset, chunk.text);
      }
      // Backpressure, per network read: a batch is bounded by the read that brought it.
      if (delivery) {
        await delivery;
        delivery = undefined;
      }
      if (controller.signal.aborted) break;
    }
  } catch (error) {
    if (!controller.signal.aborted)
      generated.failure =
        error instanceof ProviderError ? new ModelFailed(error.message, error.code) : modelFailed();
  } finally {
    // Stopped early: releases the upstream request (a no-op once the stream has ended).
    batches.return?.().catch(noop);
  }
  return generated;
}

/**
 * Step 2, last: the final write — only while the record is `streaming` (a reply deleted while it
 * streamed, or ended by another process that took it for dead, stays as stored) — then the
 * directory released, the conversation named after its first exchange, and the end told.
 */
async function settle(
  deps: TurnDeps,
  turn: PreparedTurn,
  placement: TurnPlacement,
  generated: Generated,
  fanout: ReplyFanout,
): Promise<TurnOutcome> {
  const { store, activeReplies } = deps;
  const { active, conversation, replyId } = turn;
  fanout.flush();
  const { failure } = generated;
  const status = failure ? 'error' : turn.controller.signal.aborted ? 'aborted' : 'complete';
  let written: MessageRecord | null;
  let stored: MessageRecord | null;
  try {
    written = await store.updateMessage(
      conversation.id,
      replyId,
      {
        content: active.content,
        status,
        usage: generated.usage,
        finishReason: status === 'complete' ? generated.finishReason : null,
      },
      ['streaming'],
    );
    stored = written ?? (await store.getMessage(conversation.id, replyId));
  } finally {
    // Stored as ended, so no longer generating anywhere; released before anyone hears of the
    // end (a regenerate right after must not find it still registered).
    if (turn.registered) await deps.replies.release(replyId);
  }
  const final = stored ?? { ...placement.reply, content: active.content, status, usage: generated.usage };
  // Named before `message.completed`: a client that saw the end of the first exchange then finds
  // the title (naming after it raced the client's next read of the conversation).
  if (written && !placement.regenerated && status !== 'error')
    await nameConversation(deps, conversation, placement.prompt);
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
  // Participants hear of the end of a reply that is still stored (not of one in a deleted conversation).
  if (stored) await Promise.all([activeReplies.emit(active, completed), fanout.complete(completed)]);
  else {
    fanout.cancel();
    await activeReplies.emit(active, completed);
  }
  turn.unfollow();
  return { reply: final, failure };
}

/** Titles an untitled conversation after its first prompt, and tells its participants. */
async function nameConversation(
  deps: Pick<TurnDeps, 'store' | 'broker' | 'clock'>,
  conversation: Membership,
  prompt: MessageRecord,
): Promise<void> {
  if (conversation.title) return;
  const words = prompt.content.replace(/\s+/g, ' ').trim();
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

/**
 * A failure as the `error` event of a stream whose headers are already sent: a domain error as it
 * is, anything else as `internal` (its details belong in the log, not the stream).
 */
export function streamErrorEvent(error: unknown): Extract<ChatStreamEvent, { type: 'error' }> {
  const domain = asDomainError(error);
  return domain
    ? { type: 'error', error: { code: domain.code, message: domain.message } }
    : { type: 'error', error: { code: 'internal', message: 'Something went wrong on our side' } };
}

const modelFailed = () => new ModelFailed('The model provider failed', 'provider_error');
