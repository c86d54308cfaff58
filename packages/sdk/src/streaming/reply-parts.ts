/**
 * The one reducer of a reply's part events, for the chat stream (SSE) and the chat store (SSE and
 * WebSocket alike): `message.part` puts a part at its index, `message.delta` appends to the text
 * channel of the part at its index from `offset` (`partText`: a text or reasoning part's `text`, a
 * streaming tool call's `inputText`). What a client has decides: a delta ending within what it
 * has is a copy (a second channel, a re-attach overlapping what it had) and changes nothing; one
 * starting past what it has is a gap, to be filled by following the reply from its position.
 */
import type { ChatStreamEvent } from '../contracts/events.js';
import type { MessagePart } from '../contracts/parts.js';
import { partText } from '../contracts/parts.js';

/** The events that change a reply's parts. */
export type PartEvent = Extract<ChatStreamEvent, { type: 'message.part' | 'message.delta' }>;

/**
 * Where a follower of a reply is: the part at index `part`, `offset` characters into its text
 * channel. What `GET …/messages/:id/stream?part=&offset=` takes.
 */
export interface ReplyPosition {
  part: number;
  offset: number;
}

/** How far a tool call has come: its states only move forward. */
const toolRank = { 'input-streaming': 0, 'input-available': 1, 'approval-requested': 2 } as const;
const rankOf = (part: MessagePart) =>
  part.type !== 'tool'
    ? 0
    : part.approval?.approved && part.state === 'input-available'
      ? 3
      : (toolRank[part.state as keyof typeof toolRank] ?? 4);

/**
 * Whether `part` is an earlier state of `had` (the same part, behind it): a copy that a second
 * channel brings late. A new reply run (a regenerate) starts from no parts, so this never hides one.
 */
function isBehind(had: MessagePart, part: MessagePart): boolean {
  if (
    had.type !== part.type ||
    (had.type === 'tool' && part.type === 'tool' && had.toolCallId !== part.toolCallId)
  )
    return false;
  const [a, b] = [rankOf(had), rankOf(part)];
  return b < a || (b === a && (partText(part)?.length ?? 0) < (partText(had)?.length ?? 0));
}

/** Whether two JSON values are the same, whatever the order of their keys. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const others = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return (
    keys.length === others.length &&
    keys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

/**
 * `parts` with `event` applied: a new array (the parts it did not touch are the same objects), or
 * `parts` itself when the event adds nothing (a delta within what `parts` has, a part behind the
 * one there), or `'gap'` when a delta starts past what `parts` has of its part's channel (or names
 * a part `parts` lacks): follow the reply from what you have (`messages.resume(…, { parts })`).
 *
 * @example
 * ```ts
 * // A reply's parts from the WebSocket, as the SDK's chat store keeps them.
 * let parts: readonly MessagePart[] = [];
 * live.on('event', (event) => {
 *   if (event.type !== 'message.part' && event.type !== 'message.delta') return;
 *   const next = applyPartEvent(parts, event);
 *   if (next === 'gap') return void client.messages.resume(event.conversationId, event.messageId, { parts });
 *   parts = next;
 * });
 * ```
 */
export function applyPartEvent(
  parts: readonly MessagePart[],
  event: PartEvent,
): readonly MessagePart[] | 'gap' {
  if (event.type === 'message.part') {
    const had = parts[event.index];
    // A part it has as it is (the answer to a tool call, applied here and then sent back) adds nothing.
    if (had && (isBehind(had, event.part) || sameValue(had, event.part))) return parts;
    const next = parts.slice();
    next[event.index] = event.part;
    return next;
  }
  const part = parts[event.part];
  const text = part && partText(part);
  if (!part || text === undefined || event.offset > text.length) return 'gap';
  if (event.offset + event.delta.length <= text.length) return parts;
  const grown = text + event.delta.slice(text.length - event.offset);
  const next = parts.slice();
  next[event.part] =
    part.type === 'tool' ? { ...part, inputText: grown } : ({ ...part, text: grown } as MessagePart);
  return next;
}

/**
 * The position a follower with `parts` is at: the end of the last part's text channel, or the
 * start of the part after it when that one has none (a tool call whose input is complete, a
 * `step-start`).
 *
 * @example
 * ```ts
 * positionOf([{ type: 'step-start' }, { type: 'text', text: 'Hel' }]); // { part: 1, offset: 3 }
 * ```
 */
export function positionOf(parts: readonly (MessagePart | undefined)[]): ReplyPosition {
  for (let index = parts.length - 1; index >= 0; index--) {
    const part = parts[index];
    if (!part) continue;
    const text = partText(part);
    return text === undefined ? { part: index + 1, offset: 0 } : { part: index, offset: text.length };
  }
  return { part: 0, offset: 0 };
}
