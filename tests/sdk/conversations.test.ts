import { ApiError, NotFoundError, PermissionDeniedError, ValidationError } from '@chatwire/sdk';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signUp } from '../support/clients.js';

let server: TestServer;
let ada: SignedIn;
let grace: SignedIn;
let linus: SignedIn;
beforeAll(async () => {
  server = await startTestServer();
  [ada, grace, linus] = await Promise.all([
    signUp(server.url, 'ada'),
    signUp(server.url, 'grace'),
    signUp(server.url, 'linus'),
  ]);
});
afterAll(() => server.close());

describe('conversations through the SDK', () => {
  it('direct conversations are unique per pair, from either side', async () => {
    const first = await ada.client.conversations.create({ type: 'direct', participantIds: [grace.user.id] });
    const again = await grace.client.conversations.create({ type: 'direct', participantIds: [ada.user.id] });
    expect(again.id).toBe(first.id);
    expect(first.participants.map((p) => p.userId).sort()).toEqual([ada.user.id, grace.user.id].sort());
  });

  it('a direct conversation with yourself or a stranger id is refused clearly', async () => {
    await expect(
      ada.client.conversations.create({ type: 'direct', participantIds: [ada.user.id] }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      ada.client.conversations.create({
        type: 'direct',
        participantIds: ['01a20829-58fe-7339-b4cc-000000000000'],
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('groups: owner adds and removes, members leave, roles enforced', async () => {
    const group = await ada.client.conversations.create({
      type: 'group',
      title: 'Lovelace fans',
      participantIds: [grace.user.id],
    });
    expect(group.participants.find((p) => p.userId === ada.user.id)?.role).toBe('owner');
    await expect(
      grace.client.conversations.addParticipants(group.id, { userIds: [linus.user.id] }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    const grown = await ada.client.conversations.addParticipants(group.id, { userIds: [linus.user.id] });
    expect(grown.participants).toHaveLength(3);
    expect((await linus.client.conversations.get(group.id)).title).toBe('Lovelace fans');
    await expect(
      grace.client.conversations.removeParticipant(group.id, linus.user.id),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await grace.client.conversations.removeParticipant(group.id, grace.user.id); // leaves
    await expect(grace.client.conversations.get(group.id)).rejects.toBeInstanceOf(NotFoundError);
    await ada.client.conversations.removeParticipant(group.id, linus.user.id);
    expect((await ada.client.conversations.get(group.id)).participants).toHaveLength(1);
    await expect(ada.client.conversations.removeParticipant(group.id, ada.user.id)).resolves.toBeUndefined();
    await expect(ada.client.conversations.get(group.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rename, change the system prompt and model, delete with messages', async () => {
    const chat = await ada.client.conversations.create({ type: 'assistant', systemPrompt: 'Be brief.' });
    const renamed = await ada.client.conversations.update(chat.id, {
      title: 'Notes',
      systemPrompt: 'Be kind.',
      model: 'echo',
    });
    expect(renamed).toMatchObject({ title: 'Notes', systemPrompt: 'Be kind.', model: 'echo' });
    await expect(ada.client.conversations.update(chat.id, { model: 'gpt-nine' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await ada.client.messages.send(chat.id, { content: 'remember this' });
    await ada.client.conversations.delete(chat.id);
    await expect(ada.client.conversations.get(chat.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(ada.client.messages.list(chat.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists newest activity first, page by page and with for await', async () => {
    const { client, user } = await signUp(server.url, 'busy');
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1)
      ids.push((await client.conversations.create({ type: 'assistant', title: `chat ${i}` })).id);
    // Activity moves the oldest one to the front.
    await client.messages.send(ids[0]!, { content: 'bump' });
    const first = await client.conversations.list({ limit: 3 });
    expect(first.items.map((c) => c.id)).toEqual([ids[0], ids[6], ids[5]]);
    expect(first.hasNextPage()).toBe(true);
    const all: string[] = [];
    for await (const conversation of client.conversations.list({ limit: 3 })) all.push(conversation.id);
    expect(all).toEqual([ids[0], ids[6], ids[5], ids[4], ids[3], ids[2], ids[1]]);
    expect(new Set(all).size).toBe(7);
    expect(user.id).toBeTruthy();
  });

  it('unread counts follow messages and read markers, and never go backwards', async () => {
    const direct = await ada.client.conversations.create({ type: 'direct', participantIds: [linus.user.id] });
    const sent = [];
    for (const content of ['one', 'two', 'three'])
      sent.push((await ada.client.messages.send(direct.id, { content })).message);
    expect((await linus.client.conversations.get(direct.id)).unreadCount).toBe(3);
    expect((await ada.client.conversations.get(direct.id)).unreadCount).toBe(0); // your own messages are read
    await linus.client.conversations.markRead(direct.id, { messageId: sent[1]!.id });
    expect((await linus.client.conversations.get(direct.id)).unreadCount).toBe(1);
    await linus.client.conversations.markRead(direct.id, { messageId: sent[0]!.id }); // backwards: ignored
    expect((await linus.client.conversations.get(direct.id)).unreadCount).toBe(1);
    const listed = (await linus.client.conversations.list()).items.find((c) => c.id === direct.id);
    expect(listed?.unreadCount).toBe(1);
    expect(listed?.lastMessage?.content).toBe('three');
  });

  it('users search by display name, page by page', async () => {
    const tag = `zed${Date.now().toString(36)}`;
    for (let i = 0; i < 5; i += 1) await signUp(server.url, `${tag}-${i}`);
    const page = await ada.client.users.search({ q: tag.toUpperCase(), limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).not.toHaveProperty('email');
    const names: string[] = [];
    for await (const user of ada.client.users.search({ q: tag, limit: 2 })) names.push(user.displayName);
    expect(names).toHaveLength(5);
    expect([...names].sort()).toEqual(names);
    const models = await ada.client.models.list();
    expect(models).toEqual([{ id: 'echo', provider: 'echo', model: 'echo', default: true, vision: true }]);
    expect(ApiError).toBeDefined();
  });
});
