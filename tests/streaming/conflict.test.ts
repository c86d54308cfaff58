import { ConflictError } from '@chatwire/sdk';
import { resolveModels } from '@chatwire/server';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signUp } from '../support/clients.js';

let server: TestServer;
let ada: SignedIn;
beforeAll(async () => {
  // A slow echo, so that the reply is still being generated when it is regenerated.
  server = await startTestServer({
    models: resolveModels({}, { echo: { chunkDelayMs: 40, firstChunkDelayMs: 0 } }),
  });
  ada = await signUp(server.url, 'ada');
});
afterAll(() => server.close());

describe('409 conflict', () => {
  it('regenerating a reply still being generated is refused until it is stopped', async () => {
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const stream = ada.client.messages.stream(chat.id, {
      content: 'a long enough question to stream for a while',
    });
    const started = await new Promise<string>((resolve) =>
      stream.on('started', (event) => resolve(event.messageId)),
    );
    const refused = await ada.client.messages.regenerate(chat.id, started).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ status: 409, code: 'conflict' });
    await stream.abort();
    const { reply } = await ada.client.messages.regenerate(chat.id, started);
    expect(reply).toMatchObject({ id: started, status: 'complete' });
  });
});
