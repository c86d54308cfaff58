import { NotFoundError, PayloadTooLargeError, PermissionDeniedError, ValidationError } from '@chatwire/sdk';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signUp } from '../support/clients.js';

let server: TestServer;
let ada: SignedIn;
let grace: SignedIn;
let directId: string;
beforeAll(async () => {
  server = await startTestServer({ limits: { messageBytes: 1000 } });
  [ada, grace] = await Promise.all([signUp(server.url, 'ada'), signUp(server.url, 'grace')]);
  directId = (await ada.client.conversations.create({ type: 'direct', participantIds: [grace.user.id] })).id;
});
afterAll(() => server.close());

describe('messages through the SDK', () => {
  it('a repeated clientMessageId stores the message once', async () => {
    const first = await ada.client.messages.send(directId, {
      content: 'only once',
      clientMessageId: 'tap-1',
    });
    const again = await ada.client.messages.send(directId, {
      content: 'only once',
      clientMessageId: 'tap-1',
    });
    expect(again.message).toEqual(first.message);
    expect(first.reply).toBeNull();
    const page = await grace.client.messages.list(directId);
    expect(page.items.filter((m) => m.clientMessageId === 'tap-1')).toHaveLength(1);
  });

  it('pages newest first, oldest→newest within a page, with before/after and cursors', async () => {
    const { client, user } = await signUp(server.url);
    const other = await signUp(server.url);
    const conversation = await client.conversations.create({
      type: 'direct',
      participantIds: [other.user.id],
    });
    const sent: string[] = [];
    for (let i = 0; i < 12; i += 1)
      sent.push((await client.messages.send(conversation.id, { content: `m${i}` })).message.id);
    const newest = await client.messages.list(conversation.id, { limit: 5 });
    expect(newest.items.map((m) => m.content)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
    const older = await newest.getNextPage();
    expect(older?.items.map((m) => m.content)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
    const all: string[] = [];
    for await (const message of client.messages.list(conversation.id, { limit: 5 }))
      all.push(message.content);
    expect(all).toHaveLength(12);
    expect(new Set(all).size).toBe(12);
    const before = await client.messages.list(conversation.id, { before: sent[3]!, limit: 10 });
    expect(before.items.map((m) => m.content)).toEqual(['m0', 'm1', 'm2']);
    expect(before.nextCursor).toBeNull();
    const after = await client.messages.list(conversation.id, { after: sent[8]!, limit: 2 });
    expect(after.items.map((m) => m.content)).toEqual(['m9', 'm10']);
    expect((await after.getNextPage())?.items.map((m) => m.content)).toEqual(['m11']);
    expect(user.id).toBeTruthy();
  });

  it('pages stay stable while messages arrive', async () => {
    for (const content of ['a', 'b', 'c', 'd']) await ada.client.messages.send(directId, { content });
    const first = await grace.client.messages.list(directId, { limit: 2 });
    expect(first.hasNextPage()).toBe(true);
    await ada.client.messages.send(directId, { content: 'arrives meanwhile' });
    const older = await first.getNextPage();
    expect(older?.items.map((m) => m.content)).toEqual(['a', 'b']);
    expect(first.items.map((m) => m.content)).toEqual(['c', 'd']);
  });

  it('edit is the author’s; delete is the author’s or the owner’s', async () => {
    const { message } = await ada.client.messages.send(directId, { content: 'typo' });
    await expect(
      grace.client.messages.edit(directId, message.id, { content: 'hacked' }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    const edited = await ada.client.messages.edit(directId, message.id, { content: 'fixed' });
    expect(edited.content).toBe('fixed');
    expect(edited.editedAt).not.toBeNull();
    await expect(grace.client.messages.delete(directId, message.id)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    const deleted = await ada.client.messages.delete(directId, message.id);
    expect(deleted).toMatchObject({ status: 'deleted', content: '' });

    const group = await ada.client.conversations.create({ type: 'group', participantIds: [grace.user.id] });
    const graceMessage = (await grace.client.messages.send(group.id, { content: 'off topic' })).message;
    expect((await ada.client.messages.delete(group.id, graceMessage.id)).status).toBe('deleted'); // owner moderates
  });

  it('size limits: content over the configured bytes, bodies over the limit', async () => {
    const tooLong = await ada.client.messages
      .send(directId, { content: 'é'.repeat(600) })
      .catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ValidationError);
    expect((tooLong as ValidationError).details?.[0]?.path).toEqual(['body', 'content']);
    const huge = await ada.client.messages
      .send(directId, { content: 'x'.repeat(70_000) })
      .catch((e: unknown) => e);
    expect(huge).toBeInstanceOf(PayloadTooLargeError);
    await expect(ada.client.messages.send(directId, { content: '   ' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('assistant conversations answer with the echo model and keep the history', async () => {
    const chat = await ada.client.conversations.create({ type: 'assistant' });
    const { message, reply } = await ada.client.messages.send(chat.id, { content: 'Hello, assistant' });
    expect(message).toMatchObject({ role: 'user', senderId: ada.user.id, status: 'complete' });
    expect(reply).toMatchObject({ role: 'assistant', senderId: null, status: 'complete', model: 'echo' });
    expect(reply?.content).toContain('Hello, assistant');
    expect(reply?.usage?.outputTokens).toBeGreaterThan(0);
    const titled = await ada.client.conversations.get(chat.id);
    expect(titled.title).toBe('Hello, assistant');
    expect(titled.lastMessage?.id).toBe(reply?.id);
    await expect(ada.client.messages.send(chat.id, { content: 'x', model: 'nope' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    // The refused send stored nothing.
    expect((await ada.client.messages.list(chat.id)).items).toHaveLength(2);
    await expect(grace.client.messages.list(chat.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('persistence', () => {
  it('everything survives a restart on the same data dir', async () => {
    const first = await startTestServer();
    const a = await signUp(first.url, 'persist');
    const b = await signUp(first.url, 'persist');
    const conversation = await a.client.conversations.create({ type: 'direct', participantIds: [b.user.id] });
    await a.client.messages.send(conversation.id, { content: 'still here?' });
    await first.close({ keepData: true });

    const second = await startTestServer({ dataDir: first.dataDir });
    try {
      const { createClient } = await import('@chatwire/sdk');
      const client = createClient({ baseUrl: second.url });
      await client.auth.login({ email: b.account.email, password: b.account.password });
      const listed = await client.conversations.list();
      expect(listed.items.map((c) => c.id)).toEqual([conversation.id]);
      expect(listed.items[0]?.unreadCount).toBe(1);
      expect((await client.messages.list(conversation.id)).items.map((m) => m.content)).toEqual([
        'still here?',
      ]);
    } finally {
      await second.close();
    }
  });
});
