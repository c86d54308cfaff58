/**
 * The tool calls a reply leaves unfinished when it ends without an answer — stopped (`aborted`) or
 * failed (`error`, a provider failure or a dead producer) — mid-step or while it waited. Left as
 * they were (`input-streaming`, `input-available`, `approval-requested`), every UI would show them
 * as still going on, forever: a stored ended reply holds no call without an outcome, each is
 * `output-error` saying what happened. A reply that waits (`awaiting_input`) is not ended: its
 * waiting calls are left for their answers.
 */
import type { MessagePart, ToolPart } from '@chatwire/sdk/contracts';

/** How a reply ended without an answer. */
export type ReplyEnding = 'stopped' | 'failed';

const how = { stopped: 'the reply was stopped', failed: 'the reply failed' } as const;

/** The `errorText` of a call whose input the model never finished: there was no call to make. */
const cutShortTexts = new Set(
  Object.values(how).map((ended) => `Not run: ${ended} before the call's input was complete`),
);

/**
 * Whether a call's input never completed — still streaming, or ended by its reply before it did.
 * The model never made such a call: the context leaves it out (`context-turns.ts`).
 */
export function inputNeverCompleted(part: ToolPart): boolean {
  if (part.state === 'input-streaming') return true;
  return (
    part.state === 'output-error' &&
    part.input === undefined &&
    part.errorText !== undefined &&
    cutShortTexts.has(part.errorText)
  );
}

/**
 * `part` as its reply's end leaves it, or `undefined` when it has an outcome already. `waited`: the
 * reply was waiting for answers (a stop ended the wait), so a call that is `input-available` was
 * waiting for a client's result — unless it was approved, then it was waiting to run.
 */
function endedCall(part: ToolPart, ending: ReplyEnding, waited: boolean): ToolPart | undefined {
  const ended = how[ending];
  switch (part.state) {
    case 'input-streaming':
      return {
        ...part,
        state: 'output-error',
        errorText: `Not run: ${ended} before the call's input was complete`,
      };
    case 'approval-requested':
      return { ...part, state: 'output-error', errorText: `Not answered: ${ended}` };
    case 'input-available': {
      const answerAwaited = waited && part.approval?.approved !== true;
      return {
        ...part,
        state: 'output-error',
        errorText: `${answerAwaited ? 'Not answered' : 'Not run'}: ${ended}`,
      };
    }
    default:
      return undefined;
  }
}

/**
 * The calls of `parts` that the reply's end leaves without an outcome, each with its new state
 * (`output-error`), by index; none when every call has one.
 *
 * @example
 * ```ts
 * for (const [index, part] of endUnfinishedCalls(parts.parts, 'stopped')) parts.set(index, part);
 * ```
 */
export function endUnfinishedCalls(
  parts: readonly MessagePart[],
  ending: ReplyEnding,
  options: { waited?: boolean } = {},
): [number, ToolPart][] {
  const ended: [number, ToolPart][] = [];
  parts.forEach((part, index) => {
    if (part.type !== 'tool') return;
    const next = endedCall(part, ending, options.waited === true);
    if (next) ended.push([index, next]);
  });
  return ended;
}

/** A copy of `parts` with the calls the reply's end leaves unfinished ended. */
export function withUnfinishedCallsEnded(
  parts: readonly MessagePart[],
  ending: ReplyEnding,
  options: { waited?: boolean } = {},
): MessagePart[] {
  const ended = endUnfinishedCalls(parts, ending, options);
  const next = parts.slice();
  for (const [index, part] of ended) next[index] = part;
  return next;
}
