/**
 * Tool calls in an OpenAI-compatible stream: `delta.tool_calls[]` pieces keyed by `index` — the
 * first piece of an index carries the call's `id` and `function.name`, later ones only
 * `function.arguments` fragments (as openai-node's `AbstractChatCompletionRunner` accumulates them)
 * — turned into a call's start and its input pieces. The fragments are passed on as they come,
 * never parsed: the turn loop parses a call's JSON once, at the end.
 */

import type { CallSeed } from './call-ids.js';
import { generatedCallId } from './call-ids.js';
import type { ProviderChunk } from './provider.js';

/** One piece of a streamed tool call. */
export interface ToolCallPiece {
  /** `index`, or `function_call` for the deprecated single-call API. */
  index: number | 'function_call' | undefined;
  id: string | null | undefined;
  name: string | null | undefined;
  arguments: string;
}

/**
 * Tool call pieces → `tool-input-start` on a call's first piece, `tool-input-delta` for each
 * arguments fragment. Keyed by `index`, as OpenAI streams them; tolerant of servers that leave
 * `index` out (each call then comes whole, or its later pieces follow it) or that reuse one index
 * for several calls told apart by their ids.
 */
export class ToolCallTracker {
  #byKey = new Map<number | string, { id: string }>();
  #lastKey: number | string | undefined;
  #count = 0;
  readonly #seed: CallSeed;

  /** `seed`: what the ids made for calls sent without one derive from (see `call-ids.ts`). */
  constructor(seed: CallSeed) {
    this.#seed = seed;
  }

  /** How many calls were started. */
  get count(): number {
    return this.#count;
  }

  read(pieces: readonly ToolCallPiece[], batch: ProviderChunk[]): void {
    for (const piece of pieces) {
      const key = piece.index ?? (piece.id ? `id:${piece.id}` : (this.#lastKey ?? 0));
      let call = this.#byKey.get(key);
      if (call === undefined || (piece.id && piece.id !== call.id)) {
        const name = piece.name ?? '';
        call = { id: piece.id || generatedCallId(this.#count, this.#seed(), name) };
        this.#byKey.set(key, call);
        this.#count += 1;
        batch.push({ type: 'tool-input-start', toolCallId: call.id, toolName: name });
      }
      this.#lastKey = key;
      if (piece.arguments !== '') {
        batch.push({ type: 'tool-input-delta', toolCallId: call.id, delta: piece.arguments });
      }
    }
  }
}

/** A call's arguments as text: a string as sent; an object (some servers) as its JSON. */
export function argumentsText(value: unknown): string {
  if (value == null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The piece a call's arguments stream in after its first — `[{ index, function: { arguments } }]`,
 * no id, no name — read without the schema, as text deltas are: a call writing a long input (a
 * file, a query) sends thousands of them. A call's first piece goes through the schema.
 */
export function readArgumentsPiece(toolCalls: unknown): ToolCallPiece[] | undefined {
  if (!Array.isArray(toolCalls) || toolCalls.length !== 1) return undefined;
  const call: unknown = toolCalls[0];
  if (typeof call !== 'object' || call === null) return undefined;
  const { index, id, function: fn } = call as Record<string, unknown>;
  if (typeof index !== 'number' || id != null || typeof fn !== 'object' || fn === null) return undefined;
  const { name, arguments: args } = fn as Record<string, unknown>;
  if (name != null || typeof args !== 'string') return undefined;
  return [{ index, id: undefined, name: undefined, arguments: args }];
}
