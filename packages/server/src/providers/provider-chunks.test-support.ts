/** What the provider tests read off a provider's stream: every chunk, or the chunks before it failed. */
import { expect } from 'vitest';
import { type ProviderChunk, ProviderError } from './provider.js';

/** Every chunk of a stream that ends. */
export async function collect(iterable: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

/** The chunks a failing stream yielded, and its error (a {@link ProviderError}; anything else fails the test). */
export async function failure(
  iterable: AsyncIterable<ProviderChunk>,
): Promise<{ error: ProviderError; seen: ProviderChunk[] }> {
  const seen: ProviderChunk[] = [];
  try {
    for await (const chunk of iterable) seen.push(chunk);
  } catch (error) {
    expect(ProviderError.isInstance(error)).toBe(true);
    return { error: error as ProviderError, seen };
  }
  throw new Error('expected the stream to fail');
}
