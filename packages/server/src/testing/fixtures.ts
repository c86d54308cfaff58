/**
 * Recorded-style chunk fixtures: one upstream payload per line, as in vercel/ai's
 * `__fixtures__/*.chunks.txt` (an SSE `data:` payload per line; for Ollama, one NDJSON line).
 * The files under `__fixtures__/` are embedded into `__fixtures__/embedded.ts` so they ship
 * inside the bundle (see `__fixtures__/embed.mjs` for why).
 */
import { embeddedFixtures, type FixtureName } from './__fixtures__/embedded.js';

export type { FixtureName } from './__fixtures__/embedded.js';

/**
 * The payload lines of a fixture (blank lines dropped): feed them to a fake, whole or cut.
 *
 * @example
 * ```ts
 * const chunks = loadFixture('openai-text.chunks.txt').slice(0, 4);
 * const fake = await startFakeOpenAI({ chunks, done: false }); // a stream that ends early
 * ```
 */
export function loadFixture(name: FixtureName): string[] {
  return embeddedFixtures[name].split('\n').filter((line) => line.trim() !== '');
}

/** The reply text both text fixtures (`openai-text`, `ollama-text`) spell out. */
export const FIXTURE_TEXT = '**Streaming** works: héllo wörld — “quoted” text 🙂\n\n- item one\n- item two.';

/**
 * What the reasoning fixtures spell out — `deepseek-reasoning` (`reasoning_content`),
 * `groq-reasoning` (`reasoning`) and `ollama-thinking` (`message.thinking`): their reasoning, then
 * their text.
 */
export const FIXTURE_REASONING = {
  reasoning: 'The user says hi. A short, friendly answer fits.',
  text: 'Hello! How can I help?',
} as const;

/** A call a tool-call fixture makes: its id (when the service sends one), tool and input. */
export interface FixtureToolCall {
  /** The id as sent; `undefined` for Ollama, which sends none (the provider makes one). */
  id: string | undefined;
  name: string;
  input: Record<string, unknown>;
}

/**
 * The calls each tool-call fixture makes, in order. `openai-tool-call` streams its one call's
 * arguments in eleven pieces (one splits "Zürich" mid-word); `openai-parallel-tool-calls` streams
 * two calls, index 0 then 1; `groq-tool-call` sends its call whole in one chunk; each finishes with
 * `tool_calls`. `ollama-tool-calls` sends two calls in one `message.tool_calls` line, without ids,
 * then `done_reason: "stop"`.
 *
 * @example
 * ```ts
 * let calls = 0; // a tool call first, then (with its result in the context) the recorded text
 * const fake = await startFakeOpenAI(() =>
 *   ++calls === 1 ? { chunks: loadFixture('openai-tool-call.chunks.txt') } : {},
 * );
 * FIXTURE_TOOL_CALLS['openai-tool-call.chunks.txt'][0].name; // 'get_weather'
 * ```
 */
export const FIXTURE_TOOL_CALLS = {
  'openai-tool-call.chunks.txt': [
    { id: 'call_Q4mVh2kXw8nT3pR7sL1yB9dF', name: 'get_weather', input: { city: 'Zürich', unit: 'celsius' } },
  ],
  'openai-parallel-tool-calls.chunks.txt': [
    { id: 'call_7HbN2mKq9XwR4tY1uI6oP3aS', name: 'get_weather', input: { city: 'Paris' } },
    { id: 'call_2ZxC5vB8nM1qW4eR7tY0uI3o', name: 'get_time', input: { timeZone: 'Europe/Paris' } },
  ],
  'groq-tool-call.chunks.txt': [
    { id: 'call_4f7rkd2m', name: 'get_weather', input: { city: 'Zürich', unit: 'celsius' } },
  ],
  'ollama-tool-calls.ndjson': [
    { id: undefined, name: 'get_weather', input: { city: 'Zürich', unit: 'celsius' } },
    { id: undefined, name: 'get_time', input: { timeZone: 'Europe/Zurich' } },
  ],
} as const satisfies Partial<Record<FixtureName, readonly FixtureToolCall[]>>;
