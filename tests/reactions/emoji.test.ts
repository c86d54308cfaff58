/**
 * The emoji rule over REST, on each store: every emoji a keyboard makes is one reaction (ZWJ
 * sequences, flags, keycaps, skin tones, tag flags), `❤` and `❤️` are the same reaction whichever
 * spelling adds or takes it back, and two emoji in one reaction are refused, changing nothing.
 */
import { directConversation, signUp, type TestUser } from '@chatwire/server/testing';
import { beforeAll, expect, it } from 'vitest';
import { describeOnEachStore, react, readBack, say, unreact } from './support.js';

describeOnEachStore('the emoji rule over REST', (server) => {
  let ada: TestUser;
  let bob: TestUser;
  let chat: string;

  beforeAll(async () => {
    [ada, bob] = await Promise.all([signUp(server().url, 'ada'), signUp(server().url, 'bob')]);
    chat = await directConversation(server().url, ada, bob);
  });

  it.each([
    ['a ZWJ family', '👩‍👩‍👧'],
    ['a flag', '🇵🇹'],
    ['a keycap', '1️⃣'],
    ['a skin tone', '👋🏽'],
    ['a tag-sequence flag', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
  ])('takes %s as one reaction, and takes it back', async (_name, emoji) => {
    const message = await say(server(), ada, chat, 'pick one');
    const added = await react(server(), bob, chat, message.id, emoji);
    expect(added.status).toBe(200);
    expect(added.body.reactions).toEqual([{ emoji, count: 1, userIds: [bob.id] }]);
    const taken = await unreact(server(), bob, chat, message.id, emoji);
    expect(taken.status).toBe(200);
    expect(taken.body.reactions).toEqual([]);
  });

  it('counts ❤ and ❤️ as one reaction, stored fully qualified, and takes it back by either', async () => {
    const message = await say(server(), ada, chat, 'love it?');
    const bare = '\u2764';
    const qualified = '\u2764\ufe0f';
    await react(server(), ada, chat, message.id, bare);
    const both = await react(server(), bob, chat, message.id, qualified);
    expect(both.body.reactions).toEqual([{ emoji: qualified, count: 2, userIds: [ada.id, bob.id] }]);
    // Ada added it without U+FE0F; the same heart with it is hers, and she took it back.
    expect((await react(server(), ada, chat, message.id, qualified)).body.reactions).toEqual(
      both.body.reactions,
    );
    const taken = await unreact(server(), ada, chat, message.id, qualified);
    expect(taken.body.reactions).toEqual([{ emoji: qualified, count: 1, userIds: [bob.id] }]);
    const gone = await unreact(server(), bob, chat, message.id, bare);
    expect(gone.status).toBe(200);
    expect(gone.body.reactions).toEqual([]);
    expect((await readBack(server(), ada, chat, message.id))?.reactions).toEqual([]);
  });

  it('refuses two emoji in one reaction, in the body and in the path, changing nothing', async () => {
    const message = await say(server(), ada, chat, 'one at a time');
    for (const two of ['👍👍', '👍🎉', '🇵🇹🇫🇷']) {
      const answer = await react(server(), bob, chat, message.id, two);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'validation_failed' });
      expect(typeof answer.body.error.requestId).toBe('string');
    }
    await react(server(), bob, chat, message.id, '👍');
    const removeTwo = await unreact(server(), bob, chat, message.id, '👍👍');
    expect(removeTwo.status).toBe(400);
    expect((await readBack(server(), bob, chat, message.id))?.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: [bob.id] },
    ]);
  });
});
