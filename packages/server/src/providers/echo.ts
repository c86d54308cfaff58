/**
 * The built-in development model: a deterministic reply streamed like a real one, so UIs,
 * tests and demos work without an API key.
 */
import type { ChatTurn, Provider, ProviderChunk, StreamRequest } from './provider.js';
import { estimateTokens, estimateTurnTokens } from './tokens.js';

/** Options of {@link createEchoProvider}. */
export interface EchoProviderOptions {
  /** Pause between chunks, in ms. Default `25` (a brisk real model); use `0` in tests. */
  chunkDelayMs?: number;
  /** Pause before the first chunk (a model "thinking"), in ms. Default `250`; `0` in tests. */
  firstChunkDelayMs?: number;
  /**
   * The most (estimated) tokens a reply may have: a longer one stops there with finish reason
   * `length`, as a real model's `max_tokens` cuts it. Default 120 — ask echo for something
   * *long* to see it.
   */
  maxOutputTokens?: number;
}

const QUOTE_LIMIT = 160;

/**
 * Creates the `echo` provider. The reply quotes the last user message and adds a sentence or
 * two derived from it (counts, its longest word, a markdown list or quote), chunked a few
 * words at a time. Same messages → same chunks, whatever the pacing. A message asking for
 * something long (it has the word "long") gets a reply longer than `maxOutputTokens`, cut there
 * with finish reason `length`.
 *
 * @example
 * const echo = createEchoProvider({ chunkDelayMs: 0, firstChunkDelayMs: 0 });
 * for await (const chunk of echo.stream({ model: 'echo', messages, signal })) console.log(chunk);
 */
export function createEchoProvider(options: EchoProviderOptions = {}): Provider {
  const chunkDelayMs = options.chunkDelayMs ?? 25;
  const firstChunkDelayMs = options.firstChunkDelayMs ?? 250;
  const maxOutputTokens = options.maxOutputTokens ?? 120;

  return {
    name: 'echo',
    async *stream({ messages, signal }: StreamRequest): AsyncGenerator<ProviderChunk> {
      const { chunks, reason } = withinLimit(chunkReply(echoReply(messages)), maxOutputTokens);
      let written = '';
      for (const [index, text] of chunks.entries()) {
        await pause(index === 0 ? firstChunkDelayMs : chunkDelayMs, signal);
        if (signal.aborted) return;
        written += text;
        yield { type: 'delta', text };
      }
      if (signal.aborted) return;
      yield {
        type: 'finish',
        reason,
        usage: {
          inputTokens: messages.reduce((sum, turn) => sum + estimateTurnTokens(turn), 0),
          outputTokens: estimateTokens(written),
        },
      };
    },
  };
}

/** The chunks that fit in `maxTokens` (estimated), and whether the reply had to stop there. */
function withinLimit(
  chunks: readonly string[],
  maxTokens: number,
): { chunks: string[]; reason: 'stop' | 'length' } {
  const kept: string[] = [];
  let text = '';
  for (const chunk of chunks) {
    if (estimateTokens(text + chunk) > maxTokens) return { chunks: kept, reason: 'length' };
    text += chunk;
    kept.push(chunk);
  }
  return { chunks: kept, reason: 'stop' };
}

/** The full reply the echo provider gives to `messages` (exported for tests and docs). */
export function echoReply(messages: readonly ChatTurn[]): string {
  const said =
    [...messages]
      .reverse()
      .find((turn) => turn.role === 'user')
      ?.content.trim() ?? '';
  if (said === '') return "You said nothing yet. Send a message and I'll echo it back, **word by word**.";

  const flat = said.replace(/\s+/g, ' ');
  const quote = flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1).trimEnd()}…` : flat;
  const words = flat.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  const longest = words.reduce((best, word) => (word.length > best.length ? word : best), '');
  const isQuestion = /\?\s*$/.test(said);
  const wordCount = `**${words.length} ${words.length === 1 ? 'word' : 'words'}**`;

  const opening = `You said: “${quote}”.`;
  const second = isQuestion
    ? `That's a question of ${wordCount}, and a real model would answer it; I'm the echo model, so I can only repeat it.`
    : `That's ${wordCount} and ${flat.length} characters; I'm the echo model, so I repeat what I hear.`;
  const extras = [
    longest === '' ? 'No words in there, only symbols: *interesting*.' : `The longest word is *${longest}*.`,
    `- **Words:** ${words.length}\n- **Characters:** ${flat.length}\n- **Question:** ${isQuestion ? 'yes' : 'no'}`,
    `> ${quote}\n\nQuoted back, just to be sure.`,
    'Set `OPENAI_API_KEY`, `GROQ_API_KEY` or `OLLAMA_URL` to talk to a real model.',
  ];
  const extra = extras[hash(said) % extras.length]!;
  const reply = `${opening} ${second}\n\n${extra}`;
  return /\blong\b/i.test(said) ? `${reply}\n\n${longer(words)}` : reply;
}

/** What echo adds when asked for something long: more than any output limit lets through. */
function longer(words: readonly string[]): string {
  const told = words.length > 0 ? words : ['nothing'];
  const lines = Array.from({ length: 12 }, (_, i) => {
    const word = told[i % told.length];
    return `${i + 1}. Once more, word ${(i % told.length) + 1} of what you said was *${word}*, and I am still going.`;
  });
  return `You asked for something long, so here it is, at length:\n\n${lines.join('\n')}`;
}

/**
 * Splits a reply into chunks of one to three words (whitespace kept, so the chunks join back
 * to the reply exactly). The sizes cycle in a fixed pattern: deterministic, yet uneven like a
 * real tokenizer's output.
 */
function chunkReply(reply: string): string[] {
  const words = reply.match(/\s*\S+\s*/g) ?? [];
  const sizes = [1, 2, 3, 1, 2];
  const chunks: string[] = [];
  for (let at = 0, i = 0; at < words.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    chunks.push(words.slice(at, at + size).join(''));
    at += size;
  }
  return chunks;
}

/** FNV-1a: a stable, dependency-free choice of the extra sentence. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Waits `ms`, or less if `signal` aborts first. `0` does not wait at all (fast tests). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
