/**
 * Test support (not part of the SDK): a client over a scripted `fetch`, signed in.
 */
import { fakeFetch, tokens } from './client/fake-fetch.test-support.js';
import { memoryTokenStore } from './client/token-store.js';
import { type ClientOptions, createClient } from './create-client.js';

/** A client of `https://api.test` over `fakeFetch(script)`, signed in as `tokens('a')` unless `options` say otherwise. */
export function fakeClient(script: Parameters<typeof fakeFetch>[0], options: Partial<ClientOptions> = {}) {
  const fake = fakeFetch(script);
  const client = createClient({
    baseUrl: 'https://api.test',
    fetch: fake.fetch,
    tokenStore: memoryTokenStore(tokens('a')),
    ...options,
  });
  return { client, requests: fake.requests };
}
