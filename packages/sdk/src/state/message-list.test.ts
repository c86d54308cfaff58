import { describe, expect, it } from 'vitest';
import { fixtureMessage } from '../client/fake-fetch.test-support.js';
import type { Message } from '../contracts/resources.js';
import { fromServer, mergePage, upsertMessage } from './message-list.js';
import type { ChatMessage } from './types.js';

const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const stored = (n: number, extra: Partial<Message> = {}): Message =>
  fixtureMessage({
    id: id(n),
    conversationId: id(0),
    senderId: id(99),
    content: `m${n}`,
    createdAt: at(n),
    ...extra,
  });
const optimistic = (clientMessageId: string): ChatMessage => ({
  ...fromServer(stored(50, { id: clientMessageId, clientMessageId })),
  key: clientMessageId,
  delivery: 'sending',
});

describe('upsertMessage', () => {
  it('swaps the optimistic copy for the stored message, keeping its key and place', () => {
    const list = upsertMessage([fromServer(stored(1))], optimistic('c-1'));
    const next = upsertMessage(list, fromServer(stored(2, { clientMessageId: 'c-1' })));
    expect(next.map((m) => [m.id, m.key, m.delivery])).toEqual([
      [id(1), id(1), 'sent'],
      [id(2), 'c-1', 'sent'],
    ]);
  });

  it('places live messages before own messages still sending', () => {
    const list = upsertMessage([fromServer(stored(1))], optimistic('c-1'));
    const next = upsertMessage(list, fromServer(stored(3, { senderId: id(98) })));
    expect(next.map((m) => m.id)).toEqual([id(1), id(3), 'c-1']);
  });

  it('applies a message delivered twice (SSE and WebSocket) once', () => {
    const once = upsertMessage([], fromServer(stored(1)));
    expect(upsertMessage(once, fromServer(stored(1)))).toHaveLength(1);
  });
});

describe('mergePage', () => {
  it('puts an older page before what is loaded, without duplicates', () => {
    const loaded = [fromServer(stored(3)), fromServer(stored(4))];
    const merged = mergePage(loaded, [stored(1), stored(2), stored(3)]);
    expect(merged.map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });
});
