/**
 * The tool calls of a step, once their input is complete. A server tool runs at once — in
 * parallel with the step's other calls — unless it needs a person's approval (then it waits:
 * `approval-requested`); a client tool's input is checked against the schema the client declared
 * and the call waits for the client (`input-available`); a call of no known tool is an error the
 * model is told. Nothing here fails the reply: invalid input, a tool (or its approval rule) that
 * throws or hangs, are outputs of the call (`output-error`), fed back to the model.
 */
import type { ClientToolDeclaration, ToolPart } from '@chatwire/sdk/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { ToolSpec } from '../providers/provider.js';
import { clientToolSpec, validateClientInput } from '../tools/client-tools.js';
import { decideApproval, runTool } from '../tools/run-tool.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { ReplyParts } from './reply-parts.js';

/** Where the calls are made: whose reply, which tools, how long a tool may take. */
export interface ToolCallScope {
  tools: ToolRegistry;
  /** The tools the reply's client declared (it runs them itself). */
  clientTools: readonly ClientToolDeclaration[];
  userId: string;
  conversationId: string;
  messageId: string;
  /** Aborted by a stop (or shutdown): running tools are told through their `ctx.signal`. */
  signal: AbortSignal;
  timeoutMs: number;
  /** Largest tool output, bytes of JSON (`limits.toolOutputBytes`). */
  maxOutputBytes: number;
  log: FastifyBaseLogger;
}

/** The tools the model may call in a step: the server's and the client's. */
export function toolSpecs(scope: Pick<ToolCallScope, 'tools' | 'clientTools'>): ToolSpec[] {
  return [...scope.tools.specs(), ...scope.clientTools.map(clientToolSpec)];
}

/** Runs a server tool's call and puts its outcome on the part. */
async function runServerCall(
  scope: ToolCallScope,
  parts: ReplyParts,
  index: number,
  part: ToolPart,
): Promise<void> {
  const tool = scope.tools.get(part.toolName);
  if (!tool) return;
  const outcome = await runTool(tool, part.input, context(scope, part), {
    timeoutMs: scope.timeoutMs,
    maxOutputBytes: scope.maxOutputBytes,
  });
  parts.set(
    index,
    outcome.state === 'output-available'
      ? { ...part, state: 'output-available', output: outcome.output }
      : { ...part, state: 'output-error', errorText: outcome.errorText },
  );
}

function context(scope: ToolCallScope, part: ToolPart) {
  return {
    userId: scope.userId,
    conversationId: scope.conversationId,
    messageId: scope.messageId,
    toolCallId: part.toolCallId,
    signal: scope.signal,
    log: scope.log.child({ tool: part.toolName, toolCallId: part.toolCallId }),
  };
}

/**
 * A server tool's call: asked for approval (it waits: `true`), run, or ended by its approval rule
 * failing. An approved call (`approval.approved`, the reply going on) runs without asking again.
 */
async function handleServerCall(
  scope: ToolCallScope,
  parts: ReplyParts,
  index: number,
  part: ToolPart,
): Promise<boolean> {
  const tool = scope.tools.get(part.toolName);
  if (!tool) return false;
  if (part.approval?.approved !== true) {
    const decision = await decideApproval(tool, part.input, context(scope, part), {
      timeoutMs: scope.timeoutMs,
    });
    if (decision === 'ask') {
      parts.set(index, { ...part, state: 'approval-requested' });
      return true;
    }
    if (decision !== 'run') {
      parts.set(index, { ...part, state: 'output-error', errorText: decision.errorText });
      return false;
    }
  }
  await runServerCall(scope, parts, index, part);
  return false;
}

/**
 * Handles the calls at `indices` (tool parts `input-available`) and resolves once every server
 * tool that could run has: how many calls now wait for someone (a client's result, an approval).
 * Server calls are decided and run in parallel: one slow approval rule holds no other call.
 */
export async function handleToolCalls(
  scope: ToolCallScope,
  parts: ReplyParts,
  indices: readonly number[],
): Promise<{ waiting: number }> {
  let waiting = 0;
  const running: Promise<void>[] = [];
  for (const index of indices) {
    const part = parts.parts[index];
    if (part?.type !== 'tool' || part.state !== 'input-available') continue;
    if (scope.tools.get(part.toolName)) {
      running.push(
        handleServerCall(scope, parts, index, part).then((asked) => {
          if (asked) waiting += 1;
        }),
      );
      continue;
    }
    const declared = scope.clientTools.find((candidate) => candidate.name === part.toolName);
    if (!declared) {
      parts.set(index, {
        ...part,
        state: 'output-error',
        errorText: `There is no tool named "${part.toolName}": call one of the tools you were given`,
      });
      continue;
    }
    const problems = validateClientInput(declared, part.input);
    if (problems) parts.set(index, { ...part, state: 'output-error', errorText: problems });
    else waiting += 1;
  }
  await Promise.all(running);
  return { waiting };
}

/** The calls of a reply still waiting for someone: a client's result or an approval. */
export function waitingCalls(parts: readonly { type: string }[], tools: Pick<ToolRegistry, 'get'>): number {
  let waiting = 0;
  for (const part of parts) {
    if (part.type !== 'tool') continue;
    const call = part as ToolPart;
    if (call.state === 'approval-requested') waiting += 1;
    else if (call.state === 'input-available' && !tools.get(call.toolName)) waiting += 1;
  }
  return waiting;
}
