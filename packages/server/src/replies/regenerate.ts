/**
 * Regenerating a reply: claiming its record for a new turn. The claim is a compare-and-set of the
 * stored status (ended → `streaming`), so of two racing regenerates — on any number of processes
 * sharing the store — exactly one wins; the other, and a regenerate of a reply still being
 * generated or deleted, get `Conflict`.
 */
import type { ResolvedModel } from '../providers/registry.js';
import { Conflict, NotFound } from '../services/errors.js';
import type { Membership, MessageRecord } from '../store/store.js';
import { requireModelAccepts } from './model-accepts.js';
import { storeAsFailed } from './reply-interrupter.js';
import {
  discardTurn,
  type PreparedTurn,
  prepareTurn,
  registerTurn,
  runTurn,
  type TurnDeps,
  type TurnListener,
  type TurnOutcome,
} from './turn.js';

/** What a regenerate needs: the reply to replace, the prompt it answers, the model to ask. */
export interface RegenerateInput {
  conversation: Membership;
  target: MessageRecord;
  prompt: MessageRecord;
  model: ResolvedModel;
  listener?: TurnListener;
}

/** The statuses a reply can be regenerated from: it has ended, and was not deleted. */
const ended = ['complete', 'aborted', 'error'] as const;

const stillGenerating = () => new Conflict('This reply is still being generated: stop it first');

/** Why `target` could not be claimed (read again after the claim failed). */
async function refusal(deps: Pick<TurnDeps, 'store'>, target: MessageRecord): Promise<Error> {
  const current = await deps.store.getMessage(target.conversationId, target.id);
  if (!current) return new NotFound('Message not found');
  if (current.status === 'deleted')
    return new Conflict('This reply was deleted: there is nothing to regenerate');
  return stillGenerating();
}

/**
 * Makes a reply already stored as `streaming` (claimed) known to the directory. If it cannot be,
 * nobody will generate it: it is stored as `error` (unless another write got there first).
 */
async function registerClaimed(deps: TurnDeps, turn: PreparedTurn): Promise<void> {
  try {
    await registerTurn(deps, turn);
  } catch (error) {
    await storeAsFailed(deps.store, turn.conversation.id, turn.replyId).catch(() => null);
    await discardTurn(deps, turn);
    throw error;
  }
}

/** Claims `target` and runs its new turn to the end (see the module comment). */
export async function regenerateTurn(deps: TurnDeps, input: RegenerateInput): Promise<TurnOutcome> {
  const { conversation, target, model } = input;
  // Before the claim, as a send checks before it stores: the prompt's images need a model with vision.
  requireModelAccepts(model, input.prompt.parts);
  if (deps.activeReplies.get(target.id)) throw stillGenerating();
  // Known here before the claim, so that a follower in this process never takes the claimed
  // record for one a crash left behind.
  const turn = prepareTurn(deps, {
    conversation,
    model,
    replyId: target.id,
    ...(input.listener ? { listener: input.listener } : {}),
  });
  let claimed: MessageRecord | null;
  try {
    claimed = await deps.store.updateMessage(
      conversation.id,
      target.id,
      {
        parts: [],
        content: '',
        status: 'streaming',
        model: model.alias,
        usage: null,
        finishReason: null,
        stale: false,
        // Reactions were to the answer being replaced, not to the one about to be written.
        reactions: [],
      },
      ended,
    );
  } catch (error) {
    await discardTurn(deps, turn);
    throw error;
  }
  if (!claimed) {
    await discardTurn(deps, turn);
    throw await refusal(deps, target);
  }
  // Registered after the claim: the directory's entry is keyed by the reply's id, and a loser must
  // not overwrite the winner's. (A follower elsewhere gives a reply it does not know a second look.)
  await registerClaimed(deps, turn);
  return runTurn(deps, turn, {
    reply: claimed,
    prompt: input.prompt,
    userId: input.prompt.senderId ?? '',
    regenerated: true,
  });
}

/** What a reply going on needs: it (its status now `streaming`, claimed by the last answer), and who answered. */
export interface ResumeInput {
  conversation: Membership;
  reply: MessageRecord;
  /** Reads the user message it answers (`undefined` once deleted): read once the reply is known here. */
  readPrompt: () => Promise<MessageRecord | undefined>;
  model: ResolvedModel;
  /** Who gave the last answer: the reply's owner for its tools when its prompt is gone. */
  userId: string;
  /** Settles once the answered call is out to the participants: nothing of the run is told before it. */
  announced?: Promise<void>;
  listener?: TurnListener;
}

/**
 * Runs a reply again once every call it waited for is answered: the answer that left nothing
 * waiting stored it as `streaming` (that write decides who goes on), so here it is only made
 * known and run — from its stored parts (approved calls first, then the model again). Call it
 * right after that write, with nothing awaited between: until it is known here, a follower in this
 * process would take the `streaming` record for one a crash left behind, and end it as `error`.
 */
export async function resumeTurn(deps: TurnDeps, input: ResumeInput): Promise<TurnOutcome> {
  const { conversation, reply, model } = input;
  const turn = prepareTurn(deps, {
    conversation,
    model,
    replyId: reply.id,
    ...(input.listener ? { listener: input.listener } : {}),
  });
  let prompt: MessageRecord | undefined;
  try {
    prompt = await input.readPrompt();
  } catch (error) {
    // Nobody will run it: stored as `error` (unless another write got there first).
    await storeAsFailed(deps.store, conversation.id, reply.id).catch(() => null);
    await discardTurn(deps, turn);
    throw error;
  }
  await registerClaimed(deps, turn);
  return runTurn(deps, turn, {
    reply,
    prompt,
    userId: prompt?.senderId ?? input.userId,
    regenerated: true,
    ...(input.announced ? { announced: input.announced } : {}),
  });
}
