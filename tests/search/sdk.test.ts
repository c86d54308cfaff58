/**
 * Message search through the SDK against a real server on each store: `client.search.messages`
 * answers a page with highlights, `for await` walks every page once, and refusals arrive as the
 * SDK's error classes. Across two processes (shared PostgreSQL), a message sent on one is found
 * on the other, and a cursor from one continues on the other.
 */
import { NotFoundError, RateLimitError, ValidationError } from '@chatwire/sdk';
import { call } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { signUp } from '../support/clients.js';
import { describeOnEachStore } from '../support/stores.js';
import { describeOnTwoProcesses } from '../support/two-processes.js';

describeOnEachStore('message search through the SDK', (server) => {
  it('answers a page with highlights and walks every page with for await', async () => {
    const [ada, bob] = await Promise.all([signUp(server().url, 'ada'), signUp(server().url, 'bob')]);
    const chat = await ada.client.conversations.create({ type: 'group', participantIds: [bob.user.id] });
    for (let index = 0; index < 7; index++) {
      await ada.client.messages.send(chat.id, { content: `Résumé draft ${index}` });
    }
    const page = await bob.client.search.messages('resume dra', { limit: 3 });
    expect(page.items).toHaveLength(3);
    const [first] = page.items;
    expect(first?.conversationId).toBe(chat.id);
    expect(first?.highlights.map(({ start, end }) => first.message.content.slice(start, end))).toEqual([
      'Résumé',
      'draft',
    ]);
    expect(page.hasNextPage()).toBe(true);

    const ids: string[] = [];
    for await (const hit of bob.client.search.messages('resume dra', { limit: 3 })) ids.push(hit.message.id);
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
    const scoped = await bob.client.search.messages('draft', { conversationId: chat.id });
    expect(scoped.items).toHaveLength(7);
  });

  it('throws the SDK errors: ValidationError for no words, NotFoundError for a conversation not mine', async () => {
    const [ada, bob, carl] = await Promise.all(
      ['ada', 'bob', 'carl'].map((name) => signUp(server().url, name)),
    );
    const adas = await ada.client.conversations.create({ type: 'group', participantIds: [carl!.user.id] });
    await expect(bob!.client.search.messages('…?!')).rejects.toBeInstanceOf(ValidationError);
    await expect(bob!.client.search.messages('hello', { conversationId: adas.id })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describeOnEachStore(
  'message search through the SDK, rate limited',
  (server) => {
    it('throws RateLimitError past the budget', async () => {
      const ada = await signUp(server().url, 'ada');
      await ada.client.search.messages('one');
      await expect(ada.client.search.messages('two')).rejects.toBeInstanceOf(RateLimitError);
    });
  },
  { rateLimits: { searchPerMinute: 1 } },
);

describeOnTwoProcesses('message search across processes', 'search:', (servers) => {
  it('finds on one process what was sent on the other, and a cursor continues on either', async () => {
    const ada = await signUp(servers.one.url, 'ada');
    const bob = await signUp(servers.two.url, 'bob');
    const chat = await ada.client.conversations.create({ type: 'group', participantIds: [bob.user.id] });
    for (let index = 0; index < 4; index++) {
      await ada.client.messages.send(chat.id, { content: `harbour log ${index}` });
    }
    const first = await bob.client.search.messages('harbour', { limit: 2 });
    expect(first.items).toHaveLength(2);
    // The cursor is the whole position: process one continues what process two began.
    const token = (await bob.client.transport.session.tokens())!.accessToken;
    const rest = await call(
      `${servers.one.url}/v1/search/messages?q=harbour&limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
      { token },
    );
    expect(rest.status).toBe(200);
    const ids = [...first.items, ...rest.body.items].map(
      (hit: { message: { id: string } }) => hit.message.id,
    );
    expect(new Set(ids).size).toBe(4);
  });
});
