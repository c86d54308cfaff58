import { describe, expect, it } from 'vitest';
import { createClient } from '../client/create-client.js';
import { fakeFetch, json, tokens } from '../client/fake-fetch.test-support.js';
import { memoryTokenStore } from '../client/token-store.js';

describe('client.models', () => {
  it('lists the aliases', async () => {
    const echo = { id: 'echo', provider: 'echo', model: 'echo', default: true };
    const fake = fakeFetch([json(200, { items: [echo] })]);
    const client = createClient({
      baseUrl: 'https://api.test',
      fetch: fake.fetch,
      tokenStore: memoryTokenStore(tokens('a')),
    });
    await expect(client.models.list()).resolves.toEqual([echo]);
    expect(fake.requests[0]?.path).toBe('/v1/models');
  });

  it('createClient insists on a baseUrl', () => {
    expect(() => createClient({} as never)).toThrow(/createClient needs a baseUrl/);
  });
});
