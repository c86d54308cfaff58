import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storeFixtures as f } from '../describe-store.js';
import type { MessageRecord } from '../store.js';
import { FORMAT_VERSION } from './layout.js';
import { reconcileMeta } from './reconcile.js';

const alice = randomUUID();
const conversation = f.newConversation([alice]);
const messages: MessageRecord[] = [1, 2, 3].map((seq) => ({ ...f.newMessage(conversation.id, alice), seq }));

function metaAfter(count: number, lastSegment = 1) {
  const lastMessage = messages[count - 1] ?? null;
  return {
    version: FORMAT_VERSION,
    lastSegment,
    conversation: {
      ...conversation,
      participants: conversation.participants.map((p) => ({ ...p, readCount: count })),
      messageCount: count,
      lastMessage,
      lastActivityAt: lastMessage?.createdAt ?? conversation.createdAt,
    },
  };
}

describe('reconcileMeta', () => {
  it('returns the meta itself when it agrees with the segment', () => {
    const meta = metaAfter(3);
    expect(reconcileMeta(meta, { number: 1, firstSeq: 1, messages })).toBe(meta);
    const empty = metaAfter(0, 0);
    expect(reconcileMeta(empty, null)).toBe(empty);
  });

  it('counts what the segment holds beyond the meta', () => {
    const repaired = reconcileMeta(metaAfter(2), { number: 1, firstSeq: 1, messages });
    expect(repaired.conversation).toMatchObject({ messageCount: 3, lastMessage: messages[2] });
    expect(repaired.conversation.participants[0]).toMatchObject({
      readCount: 3,
      lastReadMessageId: messages[2]!.id,
    });
  });

  it('takes the last message from the segment after an interrupted update', () => {
    const meta = metaAfter(3);
    const edited = messages.map((m) => (m.seq === 3 ? { ...m, content: 'edited' } : m));
    const repaired = reconcileMeta(meta, { number: 1, firstSeq: 1, messages: edited });
    expect(repaired.conversation.lastMessage?.content).toBe('edited');
    expect(repaired.conversation.messageCount).toBe(3);
    expect(repaired.conversation.lastActivityAt).toBe(meta.conversation.lastActivityAt);
  });

  it('ignores an empty segment, which the store never writes', () => {
    const meta = metaAfter(3);
    expect(reconcileMeta(meta, { number: 2, firstSeq: 4, messages: [] })).toBe(meta);
  });
});
