import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import type { ConversationRecord, MessageRecord } from '../store.js';
import { FORMAT_VERSION } from './layout.js';
import { applyAppend, type DiskSegment, reconcileMeta } from './reconcile.js';

const [alice, bob] = [randomUUID(), randomUUID()];
const conversation = f.newConversation([alice, bob]);
/** Six messages: alice, alice, bob, alice, bob, bob — in two 3-message segments. */
const messages: MessageRecord[] = [alice, alice, bob, alice, bob, bob].map((sender, i) => ({
  ...f.newMessage(conversation.id, sender, { createdAt: f.at(100 + i) }),
  seq: i + 1,
  reactions: [],
  mentions: [],
  parentId: null,
  alsoInConversation: false,
  thread: null,
  quoted: null,
  pinnedAt: null,
  pinnedBy: null,
}));
const segment1: DiskSegment = { number: 1, firstSeq: 1, messages: messages.slice(0, 3) };
const segment2: DiskSegment = { number: 2, firstSeq: 4, messages: messages.slice(3) };

/** The record the appends of the first `count` messages produce, one `applyAppend` at a time. */
function appended(count: number): ConversationRecord {
  const start: ConversationRecord = {
    ...conversation,
    messageCount: 0,
    lastMessage: null,
    lastActivityAt: conversation.createdAt,
  };
  return messages.slice(0, count).reduce(applyAppend, start);
}

function checkpoint(count: number, lastSegment: number, conversationRecord = appended(count)) {
  return { version: FORMAT_VERSION, lastSegment, conversation: conversationRecord };
}

describe('applyAppend', () => {
  it('counts the message, makes it last and moves only its sender’s marker to it', () => {
    const after = appended(3);
    expect(after).toMatchObject({ messageCount: 3, lastMessage: messages[2], lastActivityAt: f.at(102) });
    expect(after.participants.map((p) => [p.readCount, p.lastReadMessageId])).toEqual([
      [2, messages[1]!.id],
      [3, messages[2]!.id],
    ]);
  });
});

describe('reconcileMeta', () => {
  it('returns the meta itself when it agrees with the segments', () => {
    const meta = checkpoint(6, 2);
    expect(reconcileMeta(meta, [segment2])).toBe(meta);
    const empty = checkpoint(0, 0);
    expect(reconcileMeta(empty, [])).toBe(empty);
  });

  it.each([
    [0, 0, [segment1, segment2]],
    [1, 1, [segment1, segment2]],
    [3, 1, [segment1, segment2]],
    [3, 2, [segment2]],
    [4, 2, [segment2]],
  ])(
    'replays every message past a checkpoint of %i (segment %i) exactly as the appends did',
    (count, lastSegment, newest) => {
      const repaired = reconcileMeta(checkpoint(count, lastSegment), newest);
      expect(repaired).toEqual(checkpoint(6, 2));
    },
  );

  it('applies the sender rule per message: each sender ends at their own newest message', () => {
    const repaired = reconcileMeta(checkpoint(3, 1), [segment2]).conversation;
    const marker = (id: string) => repaired.participants.find((p) => p.userId === id);
    // alice's newest is seq 4, bob's seq 6; unread: alice 2, bob 0.
    expect(marker(alice)).toMatchObject({ readCount: 4, lastReadMessageId: messages[3]!.id });
    expect(marker(bob)).toMatchObject({ readCount: 6, lastReadMessageId: messages[5]!.id });
  });

  it('counts nothing twice: replaying a replayed meta changes nothing', () => {
    const once = reconcileMeta(checkpoint(2, 1), [segment1, segment2]);
    expect(reconcileMeta(once, [segment2])).toBe(once);
    expect(reconcileMeta(once, [segment1, segment2])).toBe(once);
  });

  it('never moves a marker backwards: one markRead put ahead stays', () => {
    // The checkpoint written by bob's markRead to seq 4, then alice appends 5 and 6.
    const own = messages.map((m) => ({ ...m, senderId: alice }));
    const read = appended(4);
    const meta = checkpoint(4, 2, {
      ...read,
      participants: read.participants.map((p) =>
        p.userId === bob ? { ...p, readCount: 4, lastReadMessageId: messages[3]!.id } : p,
      ),
    });
    const repaired = reconcileMeta(meta, [{ ...segment2, messages: own.slice(3) }]).conversation;
    expect(repaired.participants.find((p) => p.userId === bob)).toMatchObject({
      readCount: 4,
      lastReadMessageId: messages[3]!.id,
    });
    expect(repaired.participants.find((p) => p.userId === alice)?.readCount).toBe(6);
  });

  it('takes the last message from the segment: updateMessage writes only the segment', () => {
    const meta = checkpoint(6, 2);
    const edited = { ...messages[5]!, content: 'edited', status: 'complete' as const };
    const repaired = reconcileMeta(meta, [{ ...segment2, messages: [...messages.slice(3, 5), edited] }]);
    expect(repaired.conversation.lastMessage).toEqual(edited);
    expect(repaired.conversation.messageCount).toBe(6);
    expect(repaired.conversation.lastActivityAt).toBe(meta.conversation.lastActivityAt);
  });

  it('ignores an empty segment, which the store never writes', () => {
    const meta = checkpoint(3, 1);
    expect(reconcileMeta(meta, [segment1, { number: 2, firstSeq: 4, messages: [] }])).toBe(meta);
  });

  it('believes the segments when they hold less than the meta (restored from an older backup)', () => {
    const repaired = reconcileMeta(checkpoint(6, 2), [{ ...segment2, messages: messages.slice(3, 4) }]);
    expect(repaired.conversation.messageCount).toBe(4);
    expect(repaired.conversation.lastMessage).toEqual(messages[3]);
    expect(repaired.conversation.participants.every((p) => p.readCount <= 4)).toBe(true);
  });
});
