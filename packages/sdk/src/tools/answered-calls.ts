/**
 * A tool call as an answer leaves it — what the server stores and tells the conversation's
 * participants, applied ahead of it by the client that gives the answer (its own request hears of
 * the reply going on, not of the call's new state).
 */
import type { MessagePart, ToolPart } from '../contracts/parts.js';

/** The call with a result: `output-available` with the output, or `output-error` with the error. */
export const answeredCall = (
  call: ToolPart,
  answer: { output?: unknown; errorText?: string | undefined },
): ToolPart =>
  answer.errorText !== undefined
    ? { ...call, state: 'output-error', errorText: answer.errorText }
    : { ...call, state: 'output-available', output: answer.output };

/** The call approved (it runs: `input-available`) or denied (`output-denied`). */
export const approvedCall = (
  call: ToolPart,
  answer: { approved: boolean; reason?: string | undefined },
): ToolPart => {
  const approval = { approved: answer.approved, ...(answer.reason ? { reason: answer.reason } : {}) };
  return answer.approved
    ? { ...call, state: 'input-available', approval }
    : { ...call, state: 'output-denied', approval, errorText: answer.reason ?? 'Denied by the user' };
};

/** `parts` with the call `toolCallId` changed by `change` (the same array when it is not there). */
export function withToolCall(
  parts: readonly MessagePart[],
  toolCallId: string,
  change: (call: ToolPart) => ToolPart,
): readonly MessagePart[] {
  const index = parts.findIndex((part) => part.type === 'tool' && part.toolCallId === toolCallId);
  if (index < 0) return parts;
  const next = parts.slice();
  next[index] = change(parts[index] as ToolPart);
  return next;
}
