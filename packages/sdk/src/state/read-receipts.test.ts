import { describe, expect, it } from 'vitest';
import { readReceipts } from './read-receipts.js';

const participant = (userId: string, lastReadMessageId: string | null) => ({
  userId,
  role: 'member' as const,
  joinedAt: '2026-01-01T00:00:00.000Z',
  lastReadMessageId,
});
const messages = [{ id: 'm1' }, { id: 'm2' }, { id: 'm3' }];

describe('readReceipts', () => {
  it('tells who has read up to each message and who has seen one, never the viewer', () => {
    const conversation = {
      participants: [
        participant('me', 'm3'),
        participant('alice', 'm2'),
        participant('bob', 'm3'),
        participant('carol', null),
        participant('dave', 'm0'), // older than the page
      ],
    };
    const receipts = readReceipts(conversation, messages, 'me');
    expect(receipts.upTo).toEqual({ m2: ['alice'], m3: ['bob'] });
    expect(receipts.seenBy('m1')).toEqual(['alice', 'bob']);
    expect(receipts.seenBy('m3')).toEqual(['bob']);
    expect(receipts.seenBy('unknown')).toEqual([]);
  });

  it('counts a marker newer than the last loaded message (a reply only in a thread) as at the last one', () => {
    const uuid = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
    const loaded = [{ id: uuid(1) }, { id: uuid(2) }];
    const conversation = {
      participants: [participant('alice', uuid(9)), participant('bob', uuid(0))],
    };
    const receipts = readReceipts(conversation, loaded, 'me');
    expect(receipts.seenBy(uuid(2))).toEqual(['alice']);
    expect(receipts.seenBy(uuid(1))).toEqual(['alice']);
    expect(receipts.upTo).toEqual({ [uuid(2)]: ['alice'] });
  });

  it('is empty without a conversation', () => {
    expect(readReceipts(undefined, messages, 'me').seenBy('m1')).toEqual([]);
  });
});
