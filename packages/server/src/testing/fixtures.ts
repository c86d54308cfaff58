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
