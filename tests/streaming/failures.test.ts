/**
 * Journeys: the provider fails — answers 500, cannot be reached, breaks mid-stream, or goes
 * silent (first-token and idle timeouts). Each time the SDK surfaces a typed error with the
 * provider's code, the user's message is kept, and the partial reply is stored as `error`.
 */
import { ProviderError } from '@chatwire/sdk';
import { resolveModels } from '@chatwire/server';
import { startFakeOpenAI, startTestServer } from '@chatwire/server/testing';
import { describe, expect, it } from 'vitest';
import {
  assistantChat,
  closeAll,
  drain,
  history,
  openAIChunks,
  type Setup,
  withOpenAIFake,
} from './support.js';

/** Streams one reply and checks the common outcome of a provider failure; returns the error. */
async function expectProviderFailure(setup: Pick<Setup, 'server'>, code: string, partial: string) {
  const ada = await assistantChat(setup.server);
  const stream = ada.client.messages.stream(ada.chatId, { content: 'Are you there?' });
  const { events, error } = await drain(stream);
  const types = events.map((event) => event.type);
  expect(types.slice(0, 2)).toEqual(['message.created', 'message.started']);
  expect(types.slice(-2)).toEqual(['error', 'message.completed']);
  expect(events.at(-2)).toMatchObject({ type: 'error', error: { code } });
  expect(ProviderError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ code });
  await expect(stream.finalMessage()).rejects.toBe(error);
  expect(stream.reply).toMatchObject({ status: 'error', content: partial });
  const [user, reply] = await history(ada, ada.chatId);
  expect(user).toMatchObject({ role: 'user', content: 'Are you there?' });
  expect(reply).toEqual(stream.reply);
  return error as ProviderError;
}

describe('provider failures', () => {
  it('a 500 from the provider: error event with provider_error, reply stored as error', async () => {
    const setup = await withOpenAIFake({ status: 500 });
    try {
      await expectProviderFailure(setup, 'provider_error', '');
    } finally {
      await setup.close();
    }
  });

  it('a provider that cannot be reached: provider_error', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const server = await startTestServer({
      models: resolveModels({ OPENAI_BASE_URL: `${gone.url}/v1`, OPENAI_API_KEY: 'sk-test' }),
    });
    try {
      const error = await expectProviderFailure({ server }, 'provider_error', '');
      expect(error.message).not.toContain('sk-test');
    } finally {
      await closeAll(server);
    }
  });

  it('a connection the provider drops mid-stream keeps the partial reply', async () => {
    const setup = await withOpenAIFake({
      chunks: openAIChunks(['Half', ' a', ' reply']),
      interrupt: { afterChunks: 3, with: 'drop' },
      writes: 'whole',
    });
    try {
      await expectProviderFailure(setup, 'provider_error', 'Half a');
    } finally {
      await setup.close();
    }
  });

  it('no first token in time: provider_timeout', async () => {
    const setup = await withOpenAIFake(
      { chunks: openAIChunks(['late']), firstChunkDelayMs: 5_000 },
      { timeouts: { firstTokenMs: 50 } },
    );
    try {
      await expectProviderFailure(setup, 'provider_timeout', '');
      const upstream = setup.fake.requests[0]!;
      await upstream.closed;
      expect(upstream.aborted).toBe(true);
    } finally {
      await setup.close();
    }
  });

  it('a stream that goes silent: provider_timeout, with what came before kept', async () => {
    const setup = await withOpenAIFake(
      {
        chunks: openAIChunks(['Still', ' here']),
        interrupt: { afterChunks: 3, with: 'stall' },
        writes: 'whole',
      },
      { timeouts: { idleMs: 50 } },
    );
    try {
      await expectProviderFailure(setup, 'provider_timeout', 'Still here');
    } finally {
      await setup.close();
    }
  });
});
