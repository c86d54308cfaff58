/**
 * One assistant turn, from the moment its reply's `streaming` record is stored to the reply's
 * final write for this run. The steps, in order:
 *
 * 1. {@link prepareTurn} — before anything is stored: the reply is known to this process
 *    (`ActiveReplies`), its requester follows it, and then ({@link registerTurn}) it is known to
 *    the `ReplyDirectory`, so that a `streaming` record always has an entry a follower elsewhere
 *    can find. A turn that is not going to run after all is {@link discardTurn}ed.
 * 2. {@link runTurn}:
 *    - `earlier-turns.ts` — turns take turns: a reply starts once every reply before it in the
 *      conversation has ended (here or on another process), so its context has the whole exchange
 *      before its prompt;
 *    - `turn-steps.ts` — the loop: model → tool calls → results → model again, each round trip a
 *      step (`step.ts`, `tool-calls.ts`), its parts streamed to the followers (each chunk) and the
 *      participants (coalesced), until the model answers without tools, `maxSteps`, or a call
 *      that waits for someone (`awaiting_input`);
 *    - `settle` — the final write, only while the record is still `streaming` (a reply deleted
 *      while it streamed stays deleted), the directory released, the conversation named, and the
 *      end told to followers and participants.
 *
 * A reply that waited (`awaiting_input`) runs again from 2 once answered (`services/tool-answers.ts`),
 * from its stored parts, on whichever process took the last answer.
 */
import type { ChatStreamEvent } from '@chatwire/sdk/contracts';
import { textOf } from '@chatwire/sdk/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Broker } from '../broker/broker.js';
import type { ResolvedModel } from '../providers/registry.js';
import type { Clock } from '../services/clock.js';
import { asDomainError, type DomainError, ModelFailed } from '../services/errors.js';
import { toMessage } from '../services/views.js';
import type { Membership, MessageRecord, Store } from '../store/store.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { ActiveReplies, ActiveReply } from './active-replies.js';
import { withAssistantState } from './assistant-state.js';
import type { AttachmentLoader } from './attachment-loader.js';
import { historyBefore } from './earlier-turns.js';
import { nameConversation } from './name-conversation.js';
import type { ReplyDirectory } from './reply-directory.js';
import { createReplyFanout, type ReplyFanout } from './reply-fanout.js';
import { createReplyParts } from './reply-parts.js';
import { runSteps, type StepsOutcome } from './turn-steps.js';
import { endUnfinishedCalls } from './unfinished-calls.js';

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

/** Where to follow a reply from: the part at index `part`, from `offset` in its text channel. */
export interface ReplyPosition {
  part: number;
  offset: number;
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
    from: ReplyPosition,
    onEvent: (event: ChatStreamEvent) => void | Promise<void>,
    signal: AbortSignal,
  ) => Promise<void>;
  /** The server's tools (`buildApp({ tools })`). */
  tools: ToolRegistry;
  /** Model round trips per run of a reply before the loop stops (`maxSteps`). */
  maxSteps: number;
  /** How long one tool call may run, ms (`toolTimeoutMs`). */
  toolTimeoutMs: number;
  /** Largest tool output, bytes of JSON (`limits.toolOutputBytes`). */
  toolOutputBytes: number;
  log: FastifyBaseLogger;
  contextBudgetTokens: number;
  /** Reads the files attached to messages for the model; without it, files are only named. */
  attachments?: AttachmentLoader;
  /** How many recent messages are considered for the context before the token budget trims them. */
  historyMessages: number;
  /** How many participants a conversation between people names in its system prompt. */
  peopleNamed: number;
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
  /** The reply's `streaming` record: appended with its prompt, claimed by a regenerate, or going on. */
  reply: MessageRecord;
  /** The user message it answers (`undefined` for a reply going on whose prompt was deleted since). */
  prompt: MessageRecord | undefined;
  /** Whose reply it is: what its tools are told as `ctx.userId`. */
  userId: string;
  /** A regenerate, or a reply going on after tool answers: the conversation is not named after it. */
  regenerated: boolean;
  /**
   * Settles once the prompt's `message.created` is out (to the participants and the requester):
   * nothing of the reply is told before it. The context is read meanwhile.
   */
  announced?: Promise<void>;
}

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

/**
 * Step 2: runs a prepared turn whose reply record is stored, to the end of this run. Resolves with
 * the reply as stored; rejects only when the reply could not be settled at all (storage down).
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
    ...(placement.reply.parentId ? { parentId: placement.reply.parentId } : {}),
  };
  const recipients = turn.conversation.participantIds;
  const fanout = withAssistantState(
    createReplyFanout({
      publish: (event) => deps.broker.publish({ recipients, event }),
      // Recorded before it is published: a follower elsewhere that subscribed, then read the
      // directory, has every part and delta in one or the other.
      record: (entry) => deps.replies.record(turn.replyId, entry),
      started,
      intervalMs: deps.realtimeDeltaIntervalMs,
    }),
    (update) =>
      deps.broker.publish({
        recipients,
        event: {
          type: 'assistant.state',
          conversationId: turn.conversation.id,
          messageId: turn.replyId,
          ...update,
        },
      }),
  );
  // A reply going on starts from what it has: followers here read it from memory, followers
  // elsewhere from the directory (whose log this run starts anew), and its parts change from there.
  turn.active.parts = placement.reply.parts.map((part) => ({ ...part }));
  for (const [index, part] of turn.active.parts.entries())
    void deps.replies.record(turn.replyId, { type: 'part', index, part });
  const parts = createReplyParts({ activeReplies, active: turn.active, fanout });
  let outcome: StepsOutcome = {
    finishReason: null,
    usage: placement.reply.usage,
    failure: null,
    waiting: false,
  };
  try {
    const context = await historyFailingFast(historyBefore(deps, turn, placement.reply), placement.announced);
    if (!turn.controller.signal.aborted) {
      const opening = tellStart(deps, turn, placement, { fanout, started });
      // Awaited by the steps (the first one's request leaves before it settles) and below.
      opening.catch(noop);
      outcome = await runSteps(deps, turn, placement, context, parts, opening);
      await opening;
    }
  } catch (error) {
    // Reading the context failed (storage): the reply ends as `error`, as a provider failure does.
    outcome = {
      ...outcome,
      failure: asDomainError(error) ?? new ModelFailed('The model provider failed', 'provider_error'),
    };
  }
  // Decided once, here: the calls ended below and the status stored must agree, whatever a stop
  // arriving meanwhile would make of it.
  const status = statusOf(turn, outcome);
  // Told as parts (followers here and elsewhere, participants) before the final write, which
  // `message.completed` then carries whole.
  if (status === 'aborted' || status === 'error')
    for (const [index, part] of endUnfinishedCalls(parts.parts, status === 'error' ? 'failed' : 'stopped'))
      parts.set(index, part);
  try {
    return await settle(deps, turn, placement, { ...outcome, status }, fanout);
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
 * The history once read — or the prompt's announcement failing, as soon as it fails: a turn
 * waiting for an earlier reply does not wait for it to end to learn that.
 */
function historyFailingFast<T>(history: Promise<T>, announced: Promise<void> | undefined): Promise<T> {
  return announced ? Promise.race([history, announced.then(() => history)]) : history;
}

/**
 * Tells the reply's start — `message.started`, and the parts a reply going on already has — once
 * the prompt's `message.created` is out: nothing of the reply is told before it. Meanwhile the
 * first step's request to the model is already on its way (the prompt is stored: that is the one
 * thing the model must wait for), so the announcement costs the first token nothing. Resolves
 * `false`, telling nothing, when the turn was stopped meanwhile.
 */
async function tellStart(
  deps: Pick<TurnDeps, 'activeReplies'>,
  turn: PreparedTurn,
  placement: TurnPlacement,
  {
    fanout,
    started,
  }: { fanout: ReplyFanout; started: Extract<ChatStreamEvent, { type: 'message.started' }> },
): Promise<boolean> {
  await placement.announced;
  if (turn.controller.signal.aborted) return false;
  const { activeReplies } = deps;
  fanout.open();
  activeReplies.emit(turn.active, started);
  // Going on: whoever follows this run (the request that answered) gets what the reply has.
  turn.active.parts.forEach((part, index) => {
    activeReplies.emit(turn.active, {
      type: 'message.part',
      conversationId: turn.conversation.id,
      messageId: turn.replyId,
      index,
      part: { ...part },
    });
  });
  return true;
}

/** How the run ended, as stored. */
function statusOf(turn: PreparedTurn, outcome: StepsOutcome) {
  if (outcome.failure) return 'error' as const;
  if (turn.controller.signal.aborted) return 'aborted' as const;
  return outcome.waiting ? ('awaiting_input' as const) : ('complete' as const);
}

/**
 * Step 2, last: the final write of the run — only while the record is `streaming` (a reply deleted
 * while it streamed, or ended by another process that took it for dead, stays as stored) — then
 * the directory released, the conversation named after its first exchange, and the end told.
 */
async function settle(
  deps: TurnDeps,
  turn: PreparedTurn,
  placement: TurnPlacement,
  outcome: StepsOutcome & { status: ReturnType<typeof statusOf> },
  fanout: ReplyFanout,
): Promise<TurnOutcome> {
  const { store, activeReplies } = deps;
  const { active, conversation, replyId } = turn;
  fanout.flush();
  const { status } = outcome;
  const parts = active.parts.map((part) => ({ ...part }));
  let written: MessageRecord | null;
  let stored: MessageRecord | null;
  try {
    written = await store.updateMessage(
      conversation.id,
      replyId,
      {
        parts,
        content: textOf(parts),
        status,
        usage: outcome.usage,
        finishReason: status === 'complete' ? outcome.finishReason : null,
      },
      ['streaming'],
    );
    stored = written ?? (await store.getMessage(conversation.id, replyId));
  } finally {
    // Stored as ended, so no longer generating anywhere; released before anyone hears of the
    // end (a regenerate right after must not find it still registered).
    if (turn.registered) await deps.replies.release(replyId);
  }
  const final = stored ?? { ...placement.reply, parts, content: textOf(parts), status, usage: outcome.usage };
  // Named before `message.completed`: a client that saw the end of the first exchange then finds
  // the title (naming after it raced the client's next read of the conversation).
  if (written && placement.prompt && !placement.regenerated && status !== 'error')
    await nameConversation(deps, conversation, placement.prompt);
  const { failure } = outcome;
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
