import { describe, expect, it } from 'vitest';
import { json } from '../client/fake-fetch.test-support.js';
import { fakeClient } from '../create-client.test-support.js';

describe('client.models', () => {
  it('lists the aliases', async () => {
    const echo = { id: 'echo', provider: 'echo', model: 'echo', default: true, vision: true };
    const { client, requests } = fakeClient([json(200, { items: [echo] })]);
    await expect(client.models.list()).resolves.toEqual([echo]);
    expect(requests[0]?.path).toBe('/v1/models');
  });
});
