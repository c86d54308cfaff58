/**
 * The loop of a turn: model → tool calls → results → model again, each model round trip a step
 * (a `step-start` part, then what the model streamed), until the model answers without calling a
 * tool, the run has made `maxSteps` round trips, or a call waits for someone (a client tool's
 * result, a person's approval: the reply then waits, `awaiting_input`). A reply going on after
 * answers first runs the calls that were approved, then asks the model again.
 */
import type { FinishReason, Usage } from '@chatwire/sdk/contracts';
import { buildContext } from '../providers/context.js';
import type { DomainError } from '../services/errors.js';
import { replyTurns } from './context-turns.js';
import type { TurnContext } from './earlier-turns.js';
import type { ReplyParts } from './reply-parts.js';
import { runStep } from './step.js';
import { handleToolCalls, type ToolCallScope, toolSpecs } from './tool-calls.js';
import type { PreparedTurn, TurnDeps, TurnPlacement } from './turn.js';

/** How a run of the loop ended. */
export interface StepsOutcome {
  /** The last step's finish reason; `tool_calls` when the loop stopped at `maxSteps`. */
  finishReason: FinishReason | null;
  /** The tokens of every step of the reply, its earlier runs included. */
  usage: Usage | null;
  failure: DomainError | null;
  /** A call waits for a client's result or an approval. */
  waiting: boolean;
}

const add = (a: Usage | null, b: Usage | null): Usage | null =>
  !a
    ? b
    : !b
      ? a
      : { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };

/** The indices of the calls approved while the reply waited: they run before the model is asked again. */
function approvedCalls(parts: ReplyParts): number[] {
  const indices: number[] = [];
  parts.parts.forEach((part, index) => {
    if (part.type === 'tool' && part.state === 'input-available' && part.approval?.approved)
      indices.push(index);
  });
  return indices;
}

export async function runSteps(
  deps: TurnDeps,
  turn: PreparedTurn,
  placement: TurnPlacement,
  { history, systemPrompt }: TurnContext,
  parts: ReplyParts,
  opening: Promise<boolean>,
): Promise<StepsOutcome> {
  const { signal } = turn.controller;
  const scope: ToolCallScope = {
    tools: deps.tools,
    clientTools: placement.reply.clientTools ?? [],
    userId: placement.userId,
    conversationId: turn.conversation.id,
    messageId: turn.replyId,
    signal,
    timeoutMs: deps.toolTimeoutMs,
    maxOutputBytes: deps.toolOutputBytes,
    log: deps.log,
  };
  const specs = turn.model.supportsTools === false ? [] : toolSpecs(scope);
  const outcome: StepsOutcome = {
    finishReason: null,
    usage: placement.reply.usage,
    failure: null,
    waiting: false,
  };

  const approved = approvedCalls(parts);
  if (approved.length > 0 && (await opening) && !signal.aborted)
    await handleToolCalls(scope, parts, approved);
  for (let steps = 0; !signal.aborted; ) {
    if (steps === deps.maxSteps) {
      outcome.finishReason = 'tool_calls';
      break;
    }
    steps += 1;
    // Built before the step's `step-start` part is added: an empty step adds no turn.
    const context = buildContext({
      systemPrompt,
      history: [...history, ...replyTurns(parts.parts)],
      budgetTokens: deps.contextBudgetTokens,
    });
    const firstOfStep = parts.parts.length + 1;
    const step = await runStep({
      model: turn.model,
      context,
      tools: specs,
      parts,
      signal,
      // The first step's request leaves before the reply's start is told (see `tellStart`).
      ready: async () => {
        if (!(await opening) || signal.aborted) return false;
        parts.add({ type: 'step-start' });
        return true;
      },
    });
    outcome.usage = add(outcome.usage, step.usage);
    outcome.finishReason = step.finishReason;
    if (step.failure) {
      outcome.failure = step.failure;
      break;
    }
    // Calls whose input was not even JSON are errors the model must see: they count as calls.
    const called = parts.parts.slice(firstOfStep).some((part) => part.type === 'tool');
    if (signal.aborted || !called) break;
    const { waiting } = await handleToolCalls(scope, parts, step.toolCalls);
    if (waiting > 0) {
      outcome.waiting = true;
      break;
    }
  }
  return outcome;
}
