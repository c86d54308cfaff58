/**
 * The built-in development model: a deterministic reply streamed like a real one, so UIs,
 * tests and demos work without an API key — text, reasoning and tool calls included.
 *
 * What it says is decided by {@link echoStep} (`echo-step.ts`), in short:
 * - after tool results (the context ends with `tool` turns) it tells them: "The calculator tool
 *   answered: 14.";
 * - given tools, a prompt naming one with a JSON object (`use calculator {"expression":"2+3*4"}`)
 *   makes it call it (several named → several calls at once; named without JSON → input `{}`),
 *   finishing with `tool_calls`;
 * - a prompt with the word "think" or "why" gets a short reasoning first;
 * - otherwise it quotes the prompt back, and a prompt with the word "long" is cut at its output
 *   limit (finish `length`);
 * - files attached to the prompt are described first: "You sent 2 files: photo.png (image/png,
 *   12.4 kB, 640×480), notes.md (text/markdown, 1.2 kB, 34 lines: “# Notes…”)."
 */
import { echoStep } from './echo-step.js';
import type { Provider, ProviderChunk, StreamRequest } from './provider.js';
import { estimateTokens, estimateTurnTokens } from './tokens.js';

export { type EchoStep, type EchoToolCall, echoReply, echoStep } from './echo-step.js';

/** Options of {@link createEchoProvider}. */
export interface EchoProviderOptions {
  /** Pause between chunks, in ms. Default `25` (a brisk real model); use `0` in tests. */
  chunkDelayMs?: number;
  /** Pause before the first chunk (a model "thinking"), in ms. Default `250`; `0` in tests. */
  firstChunkDelayMs?: number;
  /**
   * The most (estimated) tokens a text answer may have: a longer one stops there with finish
   * reason `length`, as a real model's `max_tokens` cuts it. Default 120 — ask echo for something
   * *long* to see it. Reasoning and tool input do not count against it.
   */
  maxOutputTokens?: number;
}

/**
 * Creates the `echo` provider. Each round trip streams, in this order: the reasoning (when the
 * last user message has the word "think" or "why"), then either the text answer or the tool
 * calls — each call's `tool-input-start` then its input JSON in two or three `tool-input-delta`
 * pieces — then one finish (`tool_calls`, `stop`, or `length` when the text was cut). Text and
 * reasoning come a few words a chunk. Same messages and tools → same chunks, whatever the pacing.
 * The rules are those of {@link echoStep}.
 *
 * @example
 * const echo = createEchoProvider({ chunkDelayMs: 0, firstChunkDelayMs: 0 });
 * const tools = [{ name: 'clock', description: 'The time now', inputSchema: { type: 'object' } }];
 * const messages = [{ role: 'user' as const, content: 'use clock {"timeZone":"Asia/Tokyo"}' }];
 * for await (const chunk of echo.stream({ model: 'echo', messages, tools, signal })) console.log(chunk);
 * // tool-input-start (clock), tool-input-delta ×3, finish tool_calls
 */
export function createEchoProvider(options: EchoProviderOptions = {}): Provider {
  const chunkDelayMs = options.chunkDelayMs ?? 25;
  const firstChunkDelayMs = options.firstChunkDelayMs ?? 250;
  const maxOutputTokens = options.maxOutputTokens ?? 120;

  return {
    name: 'echo',
    async *stream({ messages, tools, signal }: StreamRequest): AsyncGenerator<ProviderChunk> {
      const step = echoStep(messages, tools ?? []);
      const { chunks: text, reason } = withinLimit(chunkText(step.text), maxOutputTokens);
      const planned: ProviderChunk[] = [
        ...chunkText(step.reasoning ?? '').map(
          (piece): ProviderChunk => ({ type: 'reasoning', text: piece }),
        ),
        ...text.map((piece): ProviderChunk => ({ type: 'delta', text: piece })),
        ...step.toolCalls.flatMap((call): ProviderChunk[] => [
          { type: 'tool-input-start', toolCallId: call.id, toolName: call.name },
          ...splitInput(call.inputText).map(
            (delta): ProviderChunk => ({ type: 'tool-input-delta', toolCallId: call.id, delta }),
          ),
        ]),
      ];
      let written = '';
      for (const [index, chunk] of planned.entries()) {
        await pause(index === 0 ? firstChunkDelayMs : chunkDelayMs, signal);
        if (signal.aborted) return;
        written += chunk.type === 'tool-input-delta' ? chunk.delta : 'text' in chunk ? chunk.text : '';
        yield chunk;
      }
      if (signal.aborted) return;
      yield {
        type: 'finish',
        reason: step.toolCalls.length > 0 ? 'tool_calls' : reason,
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

/**
 * Splits text into chunks of one to three words (whitespace kept, so the chunks join back to the
 * text exactly). The sizes cycle in a fixed pattern: deterministic, yet uneven like a real
 * tokenizer's output.
 */
function chunkText(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  const sizes = [1, 2, 3, 1, 2];
  const chunks: string[] = [];
  for (let at = 0, i = 0; at < words.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    chunks.push(words.slice(at, at + size).join(''));
    at += size;
  }
  return chunks;
}

/**
 * A call's input JSON in pieces, as a real model streams it: three about equal ones (two for `{}`),
 * cut between code points so no piece holds half a character.
 */
function splitInput(inputText: string): string[] {
  const chars = Array.from(inputText);
  const count = Math.min(chars.length, 3);
  const pieces: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const piece = chars.slice(
      Math.floor((i * chars.length) / count),
      Math.floor(((i + 1) * chars.length) / count),
    );
    pieces.push(piece.join(''));
  }
  return pieces;
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
