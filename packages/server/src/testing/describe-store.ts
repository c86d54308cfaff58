/**
 * The conformance suite every `Store` implementation runs: each method and each invariant the
 * interface documents, including the races (two operations fired together with `Promise.all`).
 *
 * @example
 * // lowdb-store.test.ts
 * describeStore('lowdb', async () => {
 *   const store = createLowdbStore({ dataDir: await mkdtemp(join(tmpdir(), 'chatwire-')) });
 *   await store.init();
 *   return store;
 * });
 */
import { randomUUID } from 'node:crypto';
import type {
  MessageRecord,
  NewConversation,
  NewMessage,
  ParticipantRecord,
  RefreshTokenRecord,
  Store,
  UserRecord,
} from '../store/store.js';
import { StoreConflictError } from '../store/store.js';
import { afterEach, beforeEach, describe, expect, it } from './vitest.js';

/**
 * Registers the suite under `describe(name)`.
 *
 * @param makeStore Returns a new, empty, initialised store; the suite closes it after each test.
 */
export function describeStore(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('lifecycle', () => {
      it('answers ping once initialised and reports its kind', async () => {
        expect(await store.ping()).toBe(true);
        expect(store.kind).toEqual(expect.any(String));
      });
    });

    describe('users', () => {
      it('creates a user and finds it by id and by email key', async () => {
        const user = newUser({ email: 'Ada@Example.com', displayName: 'Ada' });
        expect(await store.createUser(user)).toEqual(user);
        expect(await store.getUser(user.id)).toEqual(user);
        expect(await store.getUserByEmail('ada@example.com')).toEqual(user);
        expect(await store.getUser(randomUUID())).toBeNull();
        expect(await store.getUserByEmail('nobody@example.com')).toBeNull();
      });

      it('refuses a taken email key, also when two sign-ups race', async () => {
        await store.createUser(newUser({ email: 'ada@example.com' }));
        await expect(store.createUser(newUser({ email: 'ADA@example.com' }))).rejects.toMatchObject({
          reason: 'email_taken',
        });
        const results = await Promise.allSettled([
          store.createUser(newUser({ email: 'grace@example.com' })),
          store.createUser(newUser({ email: 'grace@example.com' })),
        ]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const reasons = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        expect(reasons).toEqual([expect.any(StoreConflictError)]);
        expect(reasons[0]).toMatchObject({ reason: 'email_taken' });
      });

      it('gets several users at once, skipping unknown ids', async () => {
        const a = await store.createUser(newUser());
        const b = await store.createUser(newUser());
        const found = await store.getUsers([b.id, randomUUID(), a.id]);
        expect(found.map((user) => user.id).sort()).toEqual([a.id, b.id].sort());
        expect(await store.getUsers([])).toEqual([]);
      });

      it('searches display names case-insensitively, ordered by name then id, with a keyset', async () => {
        for (const displayName of ['bob', 'Alice', 'alina', 'Zed', 'ALI', 'Carol']) {
          await store.createUser(newUser({ displayName }));
        }
        const twins = [await store.createUser(newUser({ displayName: 'Ali' }))];
        twins.push(await store.createUser(newUser({ displayName: 'ali' })));
        const names = (users: UserRecord[]) => users.map((user) => user.displayName.toLowerCase());

        const all = await store.searchUsers('', 100);
        expect(all).toHaveLength(8);
        expect(names(all)).toEqual(['ali', 'ali', 'ali', 'alice', 'alina', 'bob', 'carol', 'zed']);
        const aliIds = all.slice(0, 3).map((user) => user.id);
        expect(aliIds).toEqual([...aliIds].sort());

        const first = await store.searchUsers('LI', 2);
        expect(names(first)).toEqual(['ali', 'ali']);
        const last = first.at(-1)!;
        const second = await store.searchUsers('LI', 10, { nameKey: 'ali', id: last.id });
        expect(names(second)).toEqual(['ali', 'alice', 'alina']);
        expect(await store.searchUsers('nobody', 10)).toEqual([]);
      });

      it('hands out copies: mutating a result or the input changes nothing stored', async () => {
        const input = newUser({ displayName: 'Ada' });
        const created = await store.createUser(input);
        input.displayName = 'changed input';
        created.displayName = 'changed result';
        const fetched = (await store.getUser(input.id))!;
        fetched.displayName = 'changed fetch';
        (await store.getUsers([input.id]))[0]!.displayName = 'changed list';
        (await store.searchUsers('', 10))[0]!.displayName = 'changed search';
        expect((await store.getUser(input.id))?.displayName).toBe('Ada');
      });
    });

    describe('refresh tokens', () => {
      it('rotates a live token once; the new one rotates in turn', async () => {
        const first = newToken();
        await store.saveRefreshToken(first);
        const second = nextToken();
        expect(await store.rotateRefreshToken(first.hash, second, at(10))).toEqual({
          status: 'rotated',
          userId: first.userId,
        });
        expect(await store.rotateRefreshToken(second.hash, nextToken(), at(20))).toEqual({
          status: 'rotated',
          userId: first.userId,
        });
      });

      it('treats a spent token as reuse and revokes its whole family', async () => {
        const first = newToken();
        await store.saveRefreshToken(first);
        const second = nextToken();
        await store.rotateRefreshToken(first.hash, second, at(10));
        expect(await store.rotateRefreshToken(first.hash, nextToken(), at(20))).toEqual({
          status: 'reused',
          userId: first.userId,
        });
        expect(await store.rotateRefreshToken(second.hash, nextToken(), at(30))).toEqual({
          status: 'invalid',
        });
      });

      it('lets exactly one of two concurrent rotations win', async () => {
        const first = newToken();
        await store.saveRefreshToken(first);
        const results = await Promise.all([
          store.rotateRefreshToken(first.hash, nextToken(), at(10)),
          store.rotateRefreshToken(first.hash, nextToken(), at(10)),
        ]);
        expect(results.map((result) => result.status).sort()).toEqual(['reused', 'rotated']);
      });

      it('refuses unknown, expired and revoked tokens', async () => {
        expect(await store.rotateRefreshToken('unknown', nextToken(), at(0))).toEqual({ status: 'invalid' });
        const expiring = newToken({ expiresAt: at(100) });
        await store.saveRefreshToken(expiring);
        expect(await store.rotateRefreshToken(expiring.hash, nextToken(), at(100))).toEqual({
          status: 'invalid',
        });
        const revoked = newToken();
        await store.saveRefreshToken(revoked);
        await store.revokeRefreshTokenFamily(revoked.hash, at(5));
        expect(await store.rotateRefreshToken(revoked.hash, nextToken(), at(10))).toEqual({
          status: 'invalid',
        });
      });

      it('revokes one family only, and ignores unknown hashes', async () => {
        const mine = newToken();
        const other = newToken({ userId: mine.userId });
        await store.saveRefreshToken(mine);
        await store.saveRefreshToken(other);
        const rotated = nextToken();
        await store.rotateRefreshToken(mine.hash, rotated, at(10));
        await store.revokeRefreshTokenFamily(mine.hash, at(20));
        await store.revokeRefreshTokenFamily('unknown', at(20));
        expect(await store.rotateRefreshToken(rotated.hash, nextToken(), at(30))).toEqual({
          status: 'invalid',
        });
        expect((await store.rotateRefreshToken(other.hash, nextToken(), at(30))).status).toBe('rotated');
      });
    });

    describe('conversations', () => {
      it('creates a conversation with empty counters and returns copies', async () => {
        const input = newConversation([userId()]);
        const created = await store.createConversation(input);
        expect(created).toEqual({
          ...input,
          messageCount: 0,
          lastMessage: null,
          lastActivityAt: input.createdAt,
        });
        created.title = 'changed';
        created.participants[0]!.readCount = 99;
        input.participants.pop();
        const fetched = (await store.getConversation(input.id))!;
        expect(fetched.title).toBe('Test');
        expect(fetched.participants).toHaveLength(1);
        expect(fetched.participants[0]?.readCount).toBe(0);
        expect(await store.getConversation(randomUUID())).toBeNull();
      });

      it('finds or creates a direct conversation, once even when two requests race', async () => {
        const [a, b] = [userId(), userId()];
        const directKey = [a, b].sort().join(':');
        const first = await store.findOrCreateDirectConversation(newDirect(a, b));
        expect(first.created).toBe(true);
        const again = await store.findOrCreateDirectConversation(newDirect(a, b));
        expect(again).toEqual({ conversation: first.conversation, created: false });

        const [c, d] = [userId(), userId()];
        const raced = await Promise.all([
          store.findOrCreateDirectConversation(newDirect(c, d)),
          store.findOrCreateDirectConversation(newDirect(c, d)),
        ]);
        expect(raced.map((result) => result.created).sort()).toEqual([false, true]);
        expect(raced[0].conversation.id).toBe(raced[1].conversation.id);
        expect(await store.listConversationsForUser(c, 10)).toHaveLength(1);
        expect(first.conversation.directKey).toBe(directKey);
      });

      it('lists a user’s conversations by last activity then id, descending, with a keyset', async () => {
        const me = userId();
        const ids = ['00000000-0000-7000-8000-00000000000a', '00000000-0000-7000-8000-00000000000b'] as const;
        // Two with the same activity (ordered by id), one older, one newer; one without me.
        await store.createConversation(newConversation([me], { id: ids[0], createdAt: at(10) }));
        await store.createConversation(newConversation([me], { id: ids[1], createdAt: at(10) }));
        const older = await store.createConversation(newConversation([me], { createdAt: at(5) }));
        const newer = await store.createConversation(newConversation([me], { createdAt: at(20) }));
        await store.createConversation(newConversation([userId()], { createdAt: at(30) }));

        const all = await store.listConversationsForUser(me, 10);
        expect(all.map((conversation) => conversation.id)).toEqual([newer.id, ids[1], ids[0], older.id]);
        const page = await store.listConversationsForUser(me, 2);
        const rest = await store.listConversationsForUser(me, 10, {
          lastActivityAt: page[1]!.lastActivityAt,
          id: page[1]!.id,
        });
        expect([...page, ...rest].map((conversation) => conversation.id)).toEqual(all.map((c) => c.id));
        expect(await store.listConversationsForUser(userId(), 10)).toEqual([]);

        await store.appendMessage(newMessage(older.id, me, { createdAt: at(40) }));
        expect((await store.listConversationsForUser(me, 1))[0]?.id).toBe(older.id);
      });

      it('updates only the fields a patch sets', async () => {
        const created = await store.createConversation(newConversation([userId()], { model: 'm1' }));
        const updated = await store.updateConversation(created.id, { title: 'New', updatedAt: at(50) });
        expect(updated).toEqual({ ...created, title: 'New', updatedAt: at(50) });
        const cleared = await store.updateConversation(created.id, {
          title: null,
          model: null,
          updatedAt: at(60),
        });
        expect(cleared).toMatchObject({ title: null, model: null, systemPrompt: null, updatedAt: at(60) });
        expect(await store.getConversation(created.id)).toEqual(cleared);
        expect(await store.updateConversation(randomUUID(), { updatedAt: at(1) })).toBeNull();
      });

      it('adds only new participants and removes one; lists follow', async () => {
        const [owner, guest] = [userId(), userId()];
        const created = await store.createConversation(newConversation([owner]));
        const added = await store.addParticipants(
          created.id,
          [participant(owner), participant(guest), participant(guest)],
          at(70),
        );
        expect(added?.participants.map((p) => p.userId)).toEqual([owner, guest]);
        expect(added?.updatedAt).toBe(at(70));
        expect((await store.listConversationsForUser(guest, 10)).map((c) => c.id)).toEqual([created.id]);

        const removed = await store.removeParticipant(created.id, guest, at(80));
        expect(removed?.participants.map((p) => p.userId)).toEqual([owner]);
        expect(await store.listConversationsForUser(guest, 10)).toEqual([]);
        expect(await store.getConversation(created.id)).toEqual(removed);
        expect(await store.addParticipants(randomUUID(), [participant(guest)], at(1))).toBeNull();
        expect(await store.removeParticipant(randomUUID(), guest, at(1))).toBeNull();
      });

      it('deletes a conversation with its messages and index entries', async () => {
        const [a, b] = [userId(), userId()];
        const { conversation } = await store.findOrCreateDirectConversation(newDirect(a, b));
        const { message } = (await store.appendMessage(newMessage(conversation.id, a)))!;
        expect(await store.deleteConversation(conversation.id)).toBe(true);
        expect(await store.getConversation(conversation.id)).toBeNull();
        expect(await store.getMessage(conversation.id, message.id)).toBeNull();
        expect(await store.listMessages(conversation.id, { limit: 10 })).toEqual([]);
        expect(await store.listConversationsForUser(a, 10)).toEqual([]);
        expect(await store.appendMessage(newMessage(conversation.id, a))).toBeNull();
        expect(await store.deleteConversation(conversation.id)).toBe(false);
        const again = await store.findOrCreateDirectConversation(newDirect(a, b));
        expect(again.created).toBe(true);
        expect(again.conversation.messageCount).toBe(0);
      });
    });

    describe('membership', () => {
      it('answers a participant with the conversation, their role and every id in joining order', async () => {
        const [owner, member, outsider] = [userId(), userId(), userId()];
        const created = await store.createConversation(
          newConversation([owner, member], {
            type: 'assistant',
            model: 'm1',
            systemPrompt: 'Be brief',
            participants: [{ ...participant(owner), role: 'owner' }, participant(member)],
          }),
        );
        const mine = await store.getMembership(created.id, owner);
        expect(mine).toEqual({
          id: created.id,
          type: 'assistant',
          title: 'Test',
          model: 'm1',
          systemPrompt: 'Be brief',
          role: 'owner',
          participantIds: [owner, member],
        });
        expect(await store.getMembership(created.id, member)).toEqual({ ...mine, role: 'member' });
        expect(await store.getMembership(created.id, outsider)).toBeNull();
        expect(await store.getMembership(randomUUID(), owner)).toBeNull();
        expect(await store.deleteConversation(created.id)).toBe(true);
        expect(await store.getMembership(created.id, owner)).toBeNull();
      });

      it('follows every change to the set of participants, and only those', async () => {
        const [owner, guest, late] = [userId(), userId(), userId()];
        const created = await store.createConversation(newConversation([owner, guest]));
        const first = (await store.getMembership(created.id, owner))!;
        // Messages, read markers, title changes and adding someone already in change no one's set.
        const { message } = (await store.appendMessage(newMessage(created.id, owner)))!;
        await store.markRead(created.id, guest, message.id);
        await store.updateConversation(created.id, { title: 'Renamed', updatedAt: at(5) });
        await store.addParticipants(created.id, [participant(guest)], at(6));
        const same = (await store.getMembership(created.id, owner))!;
        expect(same).toEqual({ ...first, title: 'Renamed' });

        await store.addParticipants(created.id, [participant(late)], at(7));
        const added = (await store.getMembership(created.id, guest))!;
        expect(added.participantIds).toEqual([owner, guest, late]);

        await store.removeParticipant(created.id, guest, at(8));
        expect(await store.getMembership(created.id, guest)).toBeNull();
        const removed = (await store.getMembership(created.id, late))!;
        expect(removed.participantIds).toEqual([owner, late]);
        expect((await store.getMembership(created.id, owner))?.participantIds).toEqual([owner, late]);
      });
    });

    describe('messages', () => {
      it('appends with consecutive seqs and keeps the conversation’s counters in step', async () => {
        const [alice, bob] = [userId(), userId()];
        const conversation = await store.createConversation(newConversation([alice, bob]));
        const first = (await store.appendMessage(
          newMessage(conversation.id, alice, { createdAt: at(100) }),
        ))!;
        const second = (await store.appendMessage(newMessage(conversation.id, bob, { createdAt: at(101) })))!;
        expect(first.created).toBe(true);
        expect([first.message.seq, second.message.seq]).toEqual([1, 2]);

        const after = (await store.getConversation(conversation.id))!;
        expect(after.messageCount).toBe(2);
        expect(after.lastMessage).toEqual(second.message);
        expect(after.lastActivityAt).toBe(at(101));
        const marker = (id: string) => after.participants.find((p) => p.userId === id);
        // The sender's read marker moves to what they sent; nobody else's does.
        expect(marker(alice)).toMatchObject({ readCount: 1, lastReadMessageId: first.message.id });
        expect(marker(bob)).toMatchObject({ readCount: 2, lastReadMessageId: second.message.id });
        expect(await store.appendMessage(newMessage(randomUUID(), alice))).toBeNull();
      });

      it('is idempotent on (senderId, clientMessageId)', async () => {
        const [alice, bob] = [userId(), userId()];
        const conversation = await store.createConversation(newConversation([alice, bob]));
        const first = (await store.appendMessage(
          newMessage(conversation.id, alice, { clientMessageId: 'c1' }),
        ))!;
        const repeat = (await store.appendMessage(
          newMessage(conversation.id, alice, { clientMessageId: 'c1', content: 'again' }),
        ))!;
        expect(repeat).toEqual({ message: first.message, created: false, reply: null });
        const otherSender = (await store.appendMessage(
          newMessage(conversation.id, bob, { clientMessageId: 'c1' }),
        ))!;
        expect(otherSender.created).toBe(true);
        const noKey = [
          await store.appendMessage(newMessage(conversation.id, null, { clientMessageId: null })),
          await store.appendMessage(newMessage(conversation.id, null, { clientMessageId: null })),
        ];
        expect(noKey.map((result) => result?.created)).toEqual([true, true]);
        expect((await store.getConversation(conversation.id))?.messageCount).toBe(4);
        // Still a repeat long after, with many messages in between.
        await appendMany(store, conversation.id, bob, 12);
        const late = await store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'c1' }));
        expect(late).toEqual({ message: first.message, created: false, reply: null });
        expect((await store.getConversation(conversation.id))?.messageCount).toBe(16);
      });

      it('appends a prompt and its reply in one step, the reply right after it', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        await appendMany(store, conversation.id, alice, 2);
        const prompt = newMessage(conversation.id, alice, { clientMessageId: 'turn-1' });
        const reply = newMessage(conversation.id, null, {
          clientMessageId: null,
          status: 'streaming',
          content: '',
          promptId: prompt.id,
          model: 'echo',
        });
        const turn = (await store.appendMessage(prompt, reply))!;
        expect(turn.created).toBe(true);
        expect([turn.message.seq, turn.reply?.seq]).toEqual([3, 4]);
        expect(turn.reply).toMatchObject({ id: reply.id, promptId: prompt.id, status: 'streaming' });
        const after = (await store.getConversation(conversation.id))!;
        expect(after.messageCount).toBe(4);
        expect(after.lastMessage?.id).toBe(reply.id);
        // The sender has read their prompt, not the reply to it.
        expect(after.participants[0]).toMatchObject({ readCount: 3, lastReadMessageId: prompt.id });

        // A retried send appends nothing and finds the reply its first attempt started.
        const retry = (await store.appendMessage(
          { ...prompt, id: randomUUID() },
          { ...reply, id: randomUUID() },
        ))!;
        expect(retry).toEqual({ message: turn.message, created: false, reply: turn.reply });
        expect((await store.getConversation(conversation.id))?.messageCount).toBe(4);
        // A repeat of a message sent without a reply has none.
        await appendMany(store, conversation.id, alice, 1);
        const plain = (await store.appendMessage(
          newMessage(conversation.id, alice, { clientMessageId: 'p' }),
        ))!;
        await store.appendMessage(newMessage(conversation.id, alice));
        const again = await store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'p' }));
        expect(again).toEqual({ message: plain.message, created: false, reply: null });
      });

      it('keeps the new fields of a message: finish reason, stale, prompt', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        const promptId = randomUUID();
        const { message } = (await store.appendMessage(
          newMessage(conversation.id, null, { finishReason: 'length', stale: true, promptId }),
        ))!;
        expect(message).toMatchObject({ finishReason: 'length', stale: true, promptId });
        expect(await store.getMessage(conversation.id, message.id)).toEqual(message);
        const updated = await store.updateMessage(conversation.id, message.id, {
          finishReason: 'content_filter',
          stale: false,
        });
        expect(updated).toMatchObject({ finishReason: 'content_filter', stale: false, promptId });
        expect(await store.getMessage(conversation.id, message.id)).toEqual(updated);
        expect((await store.getConversation(conversation.id))?.lastMessage).toEqual(updated);
      });

      it('updates only while the status is one expected: of two racing writers one wins', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        const { message } = (await store.appendMessage(
          newMessage(conversation.id, null, { status: 'complete', content: 'first answer' }),
        ))!;
        const claims = await Promise.all([
          store.updateMessage(conversation.id, message.id, { status: 'streaming', content: '' }, [
            'complete',
            'aborted',
            'error',
          ]),
          store.updateMessage(conversation.id, message.id, { status: 'streaming', content: '' }, [
            'complete',
            'aborted',
            'error',
          ]),
        ]);
        expect(claims.filter((claim) => claim !== null)).toHaveLength(1);
        // Deleted meanwhile: the final write of the reply must not bring it back.
        await store.updateMessage(conversation.id, message.id, { status: 'deleted', content: '' });
        const final = await store.updateMessage(
          conversation.id,
          message.id,
          { status: 'complete', content: 'second answer' },
          ['streaming'],
        );
        expect(final).toBeNull();
        expect(await store.getMessage(conversation.id, message.id)).toMatchObject({
          status: 'deleted',
          content: '',
        });
        expect(
          await store.updateMessage(conversation.id, randomUUID(), { content: 'x' }, ['complete']),
        ).toBeNull();
      });

      it('stores one message when two appends with one client id race', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        const results = await Promise.all([
          store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'same' })),
          store.appendMessage(newMessage(conversation.id, alice, { clientMessageId: 'same' })),
        ]);
        expect(results.map((result) => result?.created).sort()).toEqual([false, true]);
        expect(results[0]?.message).toEqual(results[1]?.message);
        expect((await store.getConversation(conversation.id))?.messageCount).toBe(1);
      });

      it('loses no append when many race on one conversation', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.appendMessage(newMessage(conversation.id, alice))),
        );
        expect(results.map((result) => result?.message.seq).sort((a = 0, b = 0) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        expect((await store.getConversation(conversation.id))?.messageCount).toBe(20);
        expect(await store.listMessages(conversation.id, { limit: 50 })).toHaveLength(20);
      });

      it('gets a message by id, only in its own conversation', async () => {
        const alice = userId();
        const one = await store.createConversation(newConversation([alice]));
        const two = await store.createConversation(newConversation([alice]));
        const sent = await appendMany(store, one.id, alice, 8);
        for (const message of sent) expect(await store.getMessage(one.id, message.id)).toEqual(message);
        expect(await store.getMessage(two.id, sent[0]!.id)).toBeNull();
        expect(await store.getMessage(one.id, randomUUID())).toBeNull();
        expect(await store.getMessage(randomUUID(), sent[0]!.id)).toBeNull();
      });

      it('pages by seq: newest, before and after, always ascending', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        await appendMany(store, conversation.id, alice, 10);
        const seqs = async (query: Parameters<Store['listMessages']>[1]) =>
          (await store.listMessages(conversation.id, query)).map((message) => message.seq);
        expect(await seqs({ limit: 3 })).toEqual([8, 9, 10]);
        expect(await seqs({ limit: 3, beforeSeq: 8 })).toEqual([5, 6, 7]);
        expect(await seqs({ limit: 3, beforeSeq: 3 })).toEqual([1, 2]);
        expect(await seqs({ limit: 4, afterSeq: 2 })).toEqual([3, 4, 5, 6]);
        expect(await seqs({ limit: 4, afterSeq: 8 })).toEqual([9, 10]);
        expect(await seqs({ limit: 4, afterSeq: 10 })).toEqual([]);
        expect(await seqs({ limit: 50 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(await store.listMessages(randomUUID(), { limit: 5 })).toEqual([]);
      });

      it('keeps pages stable while messages arrive', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        await appendMany(store, conversation.id, alice, 7);
        const before = await store.listMessages(conversation.id, { limit: 4, beforeSeq: 6 });
        const after = await store.listMessages(conversation.id, { limit: 4, afterSeq: 1 });
        await Promise.all([
          appendMany(store, conversation.id, alice, 5),
          store.listMessages(conversation.id, { limit: 4, beforeSeq: 6 }).then((page) => {
            expect(page).toEqual(before);
          }),
        ]);
        expect(await store.listMessages(conversation.id, { limit: 4, beforeSeq: 6 })).toEqual(before);
        expect(await store.listMessages(conversation.id, { limit: 4, afterSeq: 1 })).toEqual(after);
      });

      it('updates a message in place and keeps lastMessage in step', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        const [older, last] = await appendMany(store, conversation.id, alice, 2);
        const streamed = await store.updateMessage(conversation.id, last!.id, {
          content: 'done',
          status: 'complete',
          usage: { inputTokens: 1, outputTokens: 2 },
          model: 'm',
        });
        expect(streamed).toEqual({
          ...last,
          content: 'done',
          status: 'complete',
          usage: { inputTokens: 1, outputTokens: 2 },
          model: 'm',
        });
        expect(await store.getMessage(conversation.id, last!.id)).toEqual(streamed);
        expect((await store.getConversation(conversation.id))?.lastMessage).toEqual(streamed);

        const edited = await store.updateMessage(conversation.id, older!.id, {
          content: 'edit',
          editedAt: at(9),
        });
        expect(edited).toMatchObject({ content: 'edit', editedAt: at(9), status: older!.status });
        expect((await store.getConversation(conversation.id))?.lastMessage).toEqual(streamed);
        expect(await store.updateMessage(conversation.id, randomUUID(), { content: 'x' })).toBeNull();
        expect(await store.updateMessage(randomUUID(), older!.id, { content: 'x' })).toBeNull();
      });

      it('shows an update of the last message in conversation lists too', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        const { message } = (await store.appendMessage(
          newMessage(conversation.id, null, { content: '', status: 'streaming', createdAt: at(5) }),
        ))!;
        for (const content of ['He', 'Hello', 'Hello there']) {
          await store.updateMessage(conversation.id, message.id, { content });
        }
        const done = await store.updateMessage(conversation.id, message.id, { status: 'complete' });
        const [listed] = await store.listConversationsForUser(alice, 1);
        expect(listed?.lastMessage).toEqual(done);
        expect(listed).toMatchObject({ messageCount: 1, lastActivityAt: at(5) });
        expect(done).toMatchObject({ content: 'Hello there', status: 'complete', seq: 1 });
      });

      it('hands out copies of messages and of the last message', async () => {
        const alice = userId();
        const conversation = await store.createConversation(newConversation([alice]));
        const { message } = (await store.appendMessage(
          newMessage(conversation.id, alice, { content: 'hi' }),
        ))!;
        message.content = 'changed';
        (await store.getMessage(conversation.id, message.id))!.content = 'changed';
        (await store.listMessages(conversation.id, { limit: 1 }))[0]!.content = 'changed';
        (await store.getConversation(conversation.id))!.lastMessage!.content = 'changed';
        (await store.listConversationsForUser(alice, 1))[0]!.lastMessage!.content = 'changed';
        expect((await store.getMessage(conversation.id, message.id))?.content).toBe('hi');
        expect((await store.getConversation(conversation.id))?.lastMessage?.content).toBe('hi');
      });
    });

    describe('read markers', () => {
      it('moves a marker forward only', async () => {
        const [alice, bob] = [userId(), userId()];
        const conversation = await store.createConversation(newConversation([alice, bob]));
        const sent = await appendMany(store, conversation.id, alice, 5);
        const marker = async () =>
          (await store.getConversation(conversation.id))?.participants.find((p) => p.userId === bob);

        expect(await store.markRead(conversation.id, bob, sent[3]!.id)).toEqual({ moved: true });
        expect(await marker()).toMatchObject({ readCount: 4, lastReadMessageId: sent[3]!.id });
        expect(await store.markRead(conversation.id, bob, sent[1]!.id)).toEqual({ moved: false });
        expect(await store.markRead(conversation.id, bob, sent[3]!.id)).toEqual({ moved: false });
        expect(await marker()).toMatchObject({ readCount: 4, lastReadMessageId: sent[3]!.id });
        expect(await store.markRead(conversation.id, bob, sent[4]!.id)).toEqual({ moved: true });
      });

      it('returns null for an unknown conversation, participant or message', async () => {
        const [alice, bob] = [userId(), userId()];
        const conversation = await store.createConversation(newConversation([alice]));
        const [message] = await appendMany(store, conversation.id, alice, 1);
        expect(await store.markRead(randomUUID(), alice, message!.id)).toBeNull();
        expect(await store.markRead(conversation.id, bob, message!.id)).toBeNull();
        expect(await store.markRead(conversation.id, alice, randomUUID())).toBeNull();
      });

      it('moves each sender to their own newest message, never back past what they read', async () => {
        const [alice, bob, carol] = [userId(), userId(), userId()];
        const conversation = await store.createConversation(newConversation([alice, bob, carol]));
        const fromAlice = await appendMany(store, conversation.id, alice, 4);
        // Bob reads ahead of anything he sent; his own later message moves him further.
        expect(await store.markRead(conversation.id, bob, fromAlice[3]!.id)).toEqual({ moved: true });
        const [fromBob] = await appendMany(store, conversation.id, bob, 1);
        await store.updateConversation(conversation.id, { title: 'renamed', updatedAt: at(7) });
        const [alicesLast] = await appendMany(store, conversation.id, alice, 1);
        // An older message read later moves nobody back.
        expect(await store.markRead(conversation.id, alice, fromAlice[0]!.id)).toEqual({ moved: false });
        expect(await store.markRead(conversation.id, bob, fromAlice[1]!.id)).toEqual({ moved: false });

        const after = (await store.getConversation(conversation.id))!;
        expect(after).toMatchObject({ title: 'renamed', messageCount: 6, lastMessage: alicesLast });
        const marker = (id: string) => after.participants.find((p) => p.userId === id)!;
        expect(marker(alice)).toMatchObject({ readCount: 6, lastReadMessageId: alicesLast!.id });
        expect(marker(bob)).toMatchObject({ readCount: 5, lastReadMessageId: fromBob!.id });
        expect(marker(carol)).toMatchObject({ readCount: 0, lastReadMessageId: null });
      });

      it('keeps unread bookkeeping: others read up to a point, the sender is always caught up', async () => {
        const [alice, bob] = [userId(), userId()];
        const conversation = await store.createConversation(newConversation([alice, bob]));
        const sent = await appendMany(store, conversation.id, alice, 3);
        await store.markRead(conversation.id, bob, sent[1]!.id);
        await appendMany(store, conversation.id, alice, 2);
        const after = (await store.getConversation(conversation.id))!;
        const unread = (id: string) =>
          after.messageCount - after.participants.find((p) => p.userId === id)!.readCount;
        expect([unread(alice), unread(bob)]).toEqual([0, 3]);
      });
    });
  });
}

// ---- fixtures ------------------------------------------------------------------------------

/** Record builders the suite uses, for implementation-specific tests to build the same data. */
export const storeFixtures = {
  at,
  newUser,
  newToken,
  nextToken,
  participant,
  newConversation,
  newDirect,
  newMessage,
  appendMany,
};

/** Seconds after a fixed epoch, as ISO timestamps: tests order by them. */
function at(seconds: number): string {
  return new Date(Date.UTC(2030, 0, 1) + seconds * 1000).toISOString();
}

function userId(): string {
  return randomUUID();
}

function newUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const email = overrides.email ?? `${randomUUID()}@example.com`;
  return {
    id: randomUUID(),
    email,
    emailKey: email.toLowerCase(),
    displayName: 'User',
    passwordHash: 'hash',
    createdAt: at(0),
    ...overrides,
  };
}

function newToken(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    hash: randomUUID(),
    userId: randomUUID(),
    familyId: randomUUID(),
    createdAt: at(0),
    expiresAt: at(3600),
    spentAt: null,
    revokedAt: null,
    ...overrides,
  };
}

function nextToken(): Omit<RefreshTokenRecord, 'familyId' | 'userId'> {
  const { familyId: _family, userId: _user, ...rest } = newToken();
  return rest;
}

function participant(id: string): ParticipantRecord {
  return { userId: id, role: 'member', joinedAt: at(0), readCount: 0, lastReadMessageId: null };
}

function newConversation(userIds: string[], overrides: Partial<NewConversation> = {}): NewConversation {
  return {
    id: randomUUID(),
    type: 'group',
    title: 'Test',
    model: null,
    systemPrompt: null,
    createdAt: at(1),
    updatedAt: at(1),
    directKey: null,
    participants: userIds.map(participant),
    ...overrides,
  };
}

function newDirect(a: string, b: string): NewConversation & { directKey: string } {
  return { ...newConversation([a, b]), type: 'direct', title: null, directKey: [a, b].sort().join(':') };
}

function newMessage(
  conversationId: string,
  senderId: string | null,
  overrides: Partial<NewMessage> = {},
): NewMessage {
  return {
    id: randomUUID(),
    conversationId,
    senderId,
    role: senderId === null ? 'assistant' : 'user',
    content: 'hello',
    status: 'complete',
    clientMessageId: randomUUID(),
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    promptId: null,
    createdAt: at(2),
    editedAt: null,
    ...overrides,
  };
}

/** Appends `count` messages one after another; returns them in seq order. */
async function appendMany(store: Store, conversationId: string, senderId: string, count: number) {
  const messages: MessageRecord[] = [];
  for (let i = 0; i < count; i++) {
    const result = await store.appendMessage(
      newMessage(conversationId, senderId, { content: `message ${i}` }),
    );
    messages.push(result!.message);
  }
  return messages;
}
