/**
 * Recorded-style chunk fixtures: one upstream payload per line, as in vercel/ai's
 * `__fixtures__/*.chunks.txt` (an SSE `data:` payload per line; for Ollama, one NDJSON line).
 */
import { readFileSync } from 'node:fs';

/** The fixture files under `testing/__fixtures__/`. */
export type FixtureName =
  | 'openai-text.chunks.txt'
  | 'openai-length.chunks.txt'
  | 'groq-text.chunks.txt'
  | 'ollama-text.ndjson';

/** The payload lines of a fixture. */
export function loadFixture(name: FixtureName): string[] {
  const text = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** The reply text both text fixtures (`openai-text`, `ollama-text`) spell out. */
export const FIXTURE_TEXT = '**Streaming** works: héllo wörld — “quoted” text 🙂\n\n- item one\n- item two.';
