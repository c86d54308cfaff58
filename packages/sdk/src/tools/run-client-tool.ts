/**
 * Running one call of a client tool: its input checked against the tool's schema, then `execute`.
 * Whatever happens becomes the call's answer — an output, or the error the model is told (invalid
 * input, a throw) — except a stop, which answers nothing.
 */
import { limits } from '../contracts/limits.js';
import type { ToolPart } from '../contracts/parts.js';
import type { ClientTool, ClientToolContext, ToolInputIssue } from './client-tool.js';

/** A call's answer, the body of `POST …/tool-results`. */
export type ToolAnswer = { toolCallId: string; output: unknown } | { toolCallId: string; errorText: string };

/** The contract's limit on an error text (from the schema-free `limits` module). */
const maxErrorChars = limits.toolErrorChars;

const describe = (issues: ReadonlyArray<ToolInputIssue>) =>
  issues
    .map(({ path, message }) => {
      const at = path?.map((key) => String(typeof key === 'object' ? key.key : key)).join('.');
      return at ? `${at}: ${message}` : message;
    })
    .join('; ');

/** `value`, unless `signal` aborts first: a tool that ignores its signal still lets a stop end the stream. */
function unlessAborted<T>(value: T | PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Runs `call` with `tool` (a throwing schema counts as the tool's failure); rejects only when `context.signal` aborted it. */
export async function runClientTool(
  tool: ClientTool,
  call: ToolPart,
  context: ClientToolContext,
): Promise<ToolAnswer> {
  const { toolCallId } = call;
  const answer = (errorText: string): ToolAnswer => ({
    toolCallId,
    errorText: errorText.slice(0, maxErrorChars),
  });
  try {
    const checked = await tool.inputSchema['~standard'].validate(call.input);
    if (checked.issues) return answer(`Invalid input for ${call.toolName}: ${describe(checked.issues)}`);
    // Stopped while the input was checked: the tool does not run.
    context.signal.throwIfAborted();
    const output = await unlessAborted(tool.execute?.(checked.value, context), context.signal);
    context.signal.throwIfAborted();
    return { toolCallId, output: output === undefined ? null : output };
  } catch (error) {
    context.signal.throwIfAborted();
    return answer((error instanceof Error ? error.message : String(error)) || `${call.toolName} failed`);
  }
}
