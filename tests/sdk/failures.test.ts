import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InternalServerError, UnavailableError } from '@chatwire/sdk';
import { createLowdbStore, type Store, StoreUnavailableError } from '@chatwire/server';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signUp } from '../support/clients.js';

/**
 * Storage failures: a store that refuses writes answers 503 `unavailable` with Retry-After; a
 * bug answers 500 `internal` with no internals; either way nothing half-written.
 */
let server: TestServer;
let dataDir: string;
let ada: SignedIn;
let failure: 'none' | 'unavailable' | 'bug' = 'none';
let store: Store;

function failing(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'appendMessage') return value.bind(target);
      return (...args: unknown[]) => {
        if (failure === 'unavailable') return Promise.reject(new StoreUnavailableError('disk full'));
        if (failure === 'bug')
          return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'secret')"));
        return value.apply(target, args);
      };
    },
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chatwire-failing-'));
  store = createLowdbStore({ dataDir });
  await store.init();
  server = await startTestServer({ dataDir, store: failing(store) });
  ada = await signUp(server.url, 'ada');
});
afterAll(async () => {
  await server.close();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('storage failures', () => {
  it('503 unavailable with Retry-After; nothing stored', async () => {
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    failure = 'unavailable';
    const error = await ada.client.messages.send(chat.id, { content: 'hello?' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'unavailable' });
    expect((error as UnavailableError).headers?.get('retry-after')).toBe('5');
    failure = 'none';
    expect((await ada.client.messages.list(chat.id)).items).toEqual([]);
  });

  it('500 internal says nothing of the bug', async () => {
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    failure = 'bug';
    const error = await ada.client.messages.send(chat.id, { content: 'hello?' }).catch((e: unknown) => e);
    failure = 'none';
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, code: 'internal' });
    expect(String((error as Error).message)).not.toMatch(/secret|TypeError|undefined/);
    expect((error as InternalServerError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
