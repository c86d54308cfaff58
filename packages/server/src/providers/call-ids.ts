/**
 * Ids for tool calls a provider sends without one (Ollama before 0.12, some OpenAI-compatible
 * servers), and for the echo model's calls. A `tool` turn answers a call by its id, and a reply's
 * parts are keyed by it, so an id must be unique within a reply and the same on every read of the
 * same stream (tests and replays compare them): derived from the context and the call, never random.
 */
import { fnv1a } from '../store/lowdb/fingerprints.js';
import type { ChatTurn } from './provider.js';

/** The seed of a round trip's generated ids, computed the first time a call without an id needs it. */
export type CallSeed = () => string;

/**
 * What tells one round trip's calls from another's: a hash of the whole context. Each step of a
 * reply adds its calls (ids included) and their results to the context, and that part is never
 * trimmed, so two steps differ even when trimming older history keeps the length and the last
 * turn the same (a tool failing twice the same way). Lazy: hashing the whole context is wasted on
 * every request to a provider that sends its own ids (OpenAI, newer Ollama).
 */
export function contextSeed(messages: readonly ChatTurn[]): CallSeed {
  let seed: string | undefined;
  return () => {
    seed ??= `${messages.length}\u0000${fnv1a(JSON.stringify(messages, withoutImageBytes)).toString(16)}`;
    return seed;
  };
}

/**
 * An image's bytes stand in the hash by their length: megabytes of base64 would cost more to hash
 * than the whole rest of the context, and the name, size and turn already tell images apart.
 */
function withoutImageBytes(key: string, value: unknown): unknown {
  return key === 'base64' && typeof value === 'string' ? value.length : value;
}

/**
 * `call_<ordinal>_<8 hex>`: the `ordinal`-th call of a round trip (0-based), hashed with the
 * context seed and whatever else is known of the call (its name, its arguments).
 *
 * @example
 * generatedCallId(0, contextSeed(messages), 'clock', '{"timeZone":"Asia/Tokyo"}'); // 'call_0_5f3a…'
 */
export function generatedCallId(ordinal: number, seed: string, ...call: readonly string[]): string {
  const hash = fnv1a([seed, ordinal, ...call].join('\u0000'));
  return `call_${ordinal}_${hash.toString(16).padStart(8, '0')}`;
}
