/**
 * Running one call of a server tool. Whatever happens — input the model got wrong, a tool that
 * throws, hangs or answers something that is not JSON, a stop — the call ends as a result the
 * model can read (the AI SDK's rule: tool failures go back to the model, they do not end the
 * reply), never as an exception.
 */
import * as z from 'zod';
import { storableJson } from '../store/storable-text.js';
import { bounded } from './bounded-call.js';
import type { ToolContext, ToolDefinition } from './define-tool.js';

/** How a call ended: what goes into the tool part (`state`) and back to the model. */
export type ToolRunResult =
  | { state: 'output-available'; output: unknown }
  | { state: 'output-error'; errorText: string };

export interface RunToolOptions {
  /** How long a call may run, ms, for a tool without a `timeoutMs` of its own (the server's `toolTimeoutMs`). */
  timeoutMs: number;
  /** Largest output, bytes of JSON (the server's `limits.toolOutputBytes`). Default 64 KiB. */
  maxOutputBytes?: number;
}

/** The default of {@link RunToolOptions.maxOutputBytes}. */
export const defaultToolOutputBytes = 64 * 1024;

/** The `errorText` of a call cut short by a stop of its reply (or the server shutting down). */
export const stoppedErrorText = 'stopped';

/** An error's text for the model: its message, never a stack; kept short enough for a context. */
const errorTextLimit = 4096;

function clip(text: string): string {
  return text.length <= errorTextLimit ? text : `${text.slice(0, errorTextLimit - 1)}…`;
}

/** zod issues as lines the model can act on: where (a path into the input) and what is wrong. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `- ${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('\n');
}

/** The input validated by the tool's schema, or the problems as text for the model. Never throws. */
export async function parseToolInput(
  tool: ToolDefinition,
  input: unknown,
): Promise<{ success: true; data: unknown } | { success: false; errorText: string }> {
  let parsed: z.ZodSafeParseResult<unknown>;
  try {
    parsed = await z.safeParseAsync(tool.input, input);
  } catch (error) {
    // A refinement or a transform of the schema that throws.
    return {
      success: false,
      errorText: clip(`Invalid input for tool ${JSON.stringify(tool.name)}: ${message(error)}`),
    };
  }
  if (parsed.success) return { success: true, data: parsed.data };
  return {
    success: false,
    errorText: clip(
      `Invalid input for tool ${JSON.stringify(tool.name)}; call it again with:\n${describeIssues(parsed.error.issues)}`,
    ),
  };
}

/**
 * What a call's `needsApproval` decided: `ask` (it waits for a person), `run` (it runs now), or an
 * error the model is told — the rule threw, timed out or was stopped — and the call is not run.
 */
export type ApprovalDecision = 'ask' | 'run' | { state: 'output-error'; errorText: string };

/**
 * Whether this call must wait for a person's approval before it runs (`tool.needsApproval`, a
 * boolean or decided from the validated input). Input the schema refuses needs none: the call
 * then ends `output-error` when it runs, without anyone being asked. A rule runs as `execute`
 * does — with a signal that aborts on a stop or past the tool's `timeoutMs` (else
 * `options.timeoutMs`), and never for longer: a rule that throws, hangs or is stopped ends the call
 * `output-error` (nobody can tell whether it needed approval, so it does not run). Never throws.
 */
export async function decideApproval(
  tool: ToolDefinition,
  input: unknown,
  context: ToolContext,
  options: Pick<RunToolOptions, 'timeoutMs'>,
): Promise<ApprovalDecision> {
  const rule = tool.needsApproval;
  if (rule === undefined || typeof rule === 'boolean') return rule ? 'ask' : 'run';
  const name = JSON.stringify(tool.name);
  if (context.signal.aborted) return { state: 'output-error', errorText: stoppedErrorText };
  const parsed = await parseToolInput(tool, input);
  if (!parsed.success) return 'run';
  const timeoutMs = tool.timeoutMs ?? options.timeoutMs;
  const timedOut = `The approval rule (needsApproval) of tool ${name} timed out after ${timeoutMs} ms: the call was not run`;
  const settled = await bounded((signal) => rule(parsed.data, { ...context, signal }), {
    signal: context.signal,
    timeoutMs,
    timeoutReason: () => new DOMException(timedOut, 'TimeoutError'),
  });
  switch (settled.reason) {
    case 'done':
      return settled.value === true ? 'ask' : 'run';
    case 'stopped':
      return { state: 'output-error', errorText: stoppedErrorText };
    case 'timeout':
      return { state: 'output-error', errorText: timedOut };
    case 'failed':
      context.log.warn({ err: settled.error, tool: tool.name }, 'needsApproval threw; the call is not run');
      return {
        state: 'output-error',
        errorText: clip(
          `The approval rule (needsApproval) of tool ${name} failed (${message(settled.error) || 'no message'}): the call was not run`,
        ),
      };
  }
}

/**
 * Runs one call: validates `input` with the tool's schema, then `execute`s it with a signal that
 * aborts on a stop (`context.signal`) or past the tool's `timeoutMs` (else `options.timeoutMs`),
 * and checks that the output is JSON within `options.maxOutputBytes`. Never throws.
 *
 * The output given back is the output's JSON read back (a `Date` becomes its ISO text, an
 * `undefined` result `null`): exactly what the model is shown and what is stored.
 *
 * @example
 * ```ts
 * const result = await runTool(tool, call.input, context, { timeoutMs: 30_000 });
 * if (result.state === 'output-error') console.log(result.errorText); // fed back to the model
 * ```
 */
export async function runTool(
  tool: ToolDefinition,
  input: unknown,
  context: ToolContext,
  options: RunToolOptions,
): Promise<ToolRunResult> {
  const name = JSON.stringify(tool.name);
  if (context.signal.aborted) return { state: 'output-error', errorText: stoppedErrorText };
  const parsed = await parseToolInput(tool, input);
  if (!parsed.success) return { state: 'output-error', errorText: parsed.errorText };
  const timeoutMs = tool.timeoutMs ?? options.timeoutMs;
  // `bounded` checks the signal again: a stop while the input was validated (an async schema) counts.
  const settled = await bounded((signal) => tool.execute(parsed.data, { ...context, signal }), {
    signal: context.signal,
    timeoutMs,
    timeoutReason: () => new DOMException(`Tool ${name} timed out after ${timeoutMs} ms`, 'TimeoutError'),
  });
  switch (settled.reason) {
    case 'stopped':
      return { state: 'output-error', errorText: stoppedErrorText };
    case 'timeout':
      return { state: 'output-error', errorText: `Tool ${name} timed out after ${timeoutMs} ms` };
    case 'failed':
      context.log.warn({ err: settled.error, tool: tool.name }, 'tool failed');
      return { state: 'output-error', errorText: clip(message(settled.error) || `Tool ${name} failed`) };
    case 'done':
      return checkedOutput(name, settled.value, options.maxOutputBytes ?? defaultToolOutputBytes);
  }
}

/** The output as JSON read back, or why it cannot go to the model. */
function checkedOutput(name: string, output: unknown, maxBytes: number): ToolRunResult {
  if (output === undefined) return { state: 'output-available', output: null };
  let text: string | undefined;
  try {
    text = JSON.stringify(output);
  } catch (error) {
    return {
      state: 'output-error',
      errorText: clip(`Tool ${name} returned a value that is not JSON (${message(error)})`),
    };
  }
  if (text === undefined)
    return {
      state: 'output-error',
      errorText: `Tool ${name} returned a value that is not JSON (${typeof output})`,
    };
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes)
    return {
      state: 'output-error',
      errorText: `Tool ${name} returned ${bytes} bytes of JSON, over the limit of ${maxBytes}: return less`,
    };
  // Read back as stored: a U+0000 in it becomes U+FFFD (storable-text.ts).
  return { state: 'output-available', output: JSON.parse(storableJson(text)) };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
