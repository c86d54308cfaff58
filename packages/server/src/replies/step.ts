/**
 * One step of a turn: one model round trip. The model is asked with the context and the tools it
 * may call, and what it streams becomes parts as it comes — text, reasoning, tool calls, whose
 * input streams as JSON text and is parsed once the step has ended (OpenAI sends it in pieces).
 */
import type { FinishReason, ToolPart, Usage } from '@chatwire/sdk/contracts';
import {
  type ChatTurn,
  type ProviderChunk,
  ProviderError,
  streamBatches,
  type ToolSpec,
} from '../providers/provider.js';
import type { ResolvedModel } from '../providers/registry.js';
import { type DomainError, ModelFailed } from '../services/errors.js';
import { storableJson, storableText } from '../store/storable-text.js';
import type { ReplyParts } from './reply-parts.js';

/** What a step came to. */
export interface StepResult {
  /** Indices of the tool parts whose input is complete (`input-available`), in call order. */
  toolCalls: number[];
  finishReason: FinishReason | null;
  usage: Usage | null;
  /** Set when the provider failed (the reply then ends as `error`). */
  failure: DomainError | null;
}

const noop = () => undefined;

/** The tool part at `index` once its input is complete: parsed, or an error the model is told. */
function completed(part: ToolPart, text: string): ToolPart {
  const { inputText: _streamed, ...rest } = part;
  if (text.trim() === '') return { ...rest, state: 'input-available', input: {} };
  try {
    return { ...rest, state: 'input-available', input: JSON.parse(storableJson(text)) as unknown };
  } catch (error) {
    return {
      ...rest,
      state: 'output-error',
      inputText: text,
      errorText: `The input is not valid JSON (${(error as Error).message}): call the tool again with a JSON object`,
    };
  }
}

/** Runs one model round trip, its output written into `parts`. */
export async function runStep(input: {
  model: ResolvedModel;
  context: ChatTurn[];
  tools: ToolSpec[];
  parts: ReplyParts;
  signal: AbortSignal;
  /**
   * Called once the request has left, before anything of the step is written into `parts`:
   * `false` (the turn was stopped meanwhile) ends the step at once, with nothing. It may reject
   * (the prompt could not be announced): the step then ends, and the rejection is thrown.
   */
  ready: () => Promise<boolean>;
}): Promise<StepResult> {
  const { model, parts, signal } = input;
  const batches = streamBatches(model.provider, {
    model: model.model,
    messages: input.context,
    ...(input.tools.length > 0 ? { tools: input.tools } : {}),
    signal,
  })[Symbol.asyncIterator]();
  const result: StepResult = { toolCalls: [], finishReason: null, usage: null, failure: null };
  // The request leaves now; its first batch is read once the step may write.
  let pending: Promise<IteratorResult<readonly ProviderChunk[]>> | undefined = batches.next();
  pending.catch(noop);
  let ready: boolean;
  try {
    ready = await input.ready();
  } catch (error) {
    batches.return?.().catch(noop);
    throw error;
  }
  if (!ready) {
    batches.return?.().catch(noop);
    return result;
  }
  /** Tool calls of this step by id: their part's index, and input pieces that came out of turn. */
  const calls = new Map<string, { index: number; late: string }>();
  try {
    for (;;) {
      const next = await (pending ?? batches.next());
      pending = undefined;
      if (next.done) break;
      for (const chunk of next.value) {
        if (signal.aborted) break;
        switch (chunk.type) {
          case 'delta':
            parts.write('text', storableText(chunk.text));
            break;
          case 'reasoning':
            parts.write('reasoning', storableText(chunk.text));
            break;
          case 'tool-input-start':
            if (calls.has(chunk.toolCallId)) break;
            calls.set(chunk.toolCallId, {
              index: parts.add({
                type: 'tool',
                toolCallId: chunk.toolCallId,
                toolName: chunk.toolName,
                state: 'input-streaming',
                inputText: '',
              }),
              late: '',
            });
            break;
          case 'tool-input-delta': {
            const call = calls.get(chunk.toolCallId);
            if (!call) break;
            const delta = storableText(chunk.delta);
            // Only the last part's text grows (followers rely on it): a call the model went back
            // to gets its late pieces when its input is complete.
            if (call.index === parts.parts.length - 1 && call.late === '') parts.append(call.index, delta);
            else call.late += delta;
            break;
          }
          case 'finish':
            result.finishReason = chunk.reason;
            result.usage = chunk.usage;
            break;
        }
      }
      // Backpressure, per network read: a batch is bounded by the read that brought it.
      await parts.drained();
      if (signal.aborted) break;
    }
  } catch (error) {
    if (!signal.aborted) {
      result.failure =
        error instanceof ProviderError
          ? new ModelFailed(error.message, error.code)
          : new ModelFailed('The model provider failed', 'provider_error');
    }
  } finally {
    // Stopped early: releases the upstream request (a no-op once the stream has ended).
    batches.return?.().catch(noop);
  }
  if (signal.aborted || result.failure) return result;
  for (const { index, late } of calls.values()) {
    const part = parts.parts[index];
    if (part?.type !== 'tool') continue;
    const done = completed(part, (part.inputText ?? '') + late);
    parts.set(index, done);
    if (done.state === 'input-available') result.toolCalls.push(index);
  }
  return result;
}
