import { describe, expect, it } from 'vitest';
import { storeFixtures as f } from '../testing/describe-store.js';
import { peopleSystemPrompt, withSpeakerName } from './people-context.js';

describe('people in the context', () => {
  it('names the people, counts the rest, and keeps the conversation’s own prompt after', () => {
    expect(peopleSystemPrompt({ named: ['Alice', 'Bob'], others: 0 }, 'fast', null)).toMatch(
      /^This is a conversation between several people \(Alice, Bob\) and you, the assistant "fast"\./,
    );
    expect(peopleSystemPrompt({ named: ['Alice'], others: 3 }, 'fast', '  ')).toContain(
      '(Alice and 3 others)',
    );
    expect(peopleSystemPrompt({ named: ['Alice'], others: 1 }, 'fast', 'Be brief.')).toMatch(
      /\(Alice and 1 other\)[\s\S]*\n\nBe brief\.$/,
    );
  });

  it('prefixes a person’s message with their name, and leaves replies as they are', () => {
    const names = new Map([['u1', 'Alice']]);
    const said = f.newMessage('c1', 'u1', { content: 'hello' });
    expect(withSpeakerName({ ...said, seq: 1, reactions: [], mentions: [] }, names).content).toBe('Alice: hello');
    const reply = { ...said, role: 'assistant' as const, senderId: null, seq: 2, reactions: [], mentions: [] };
    expect(withSpeakerName(reply, names)).toBe(reply);
    const gone = { ...said, senderId: 'u2', seq: 3, reactions: [], mentions: [] };
    expect(withSpeakerName(gone, names).content).toBe('Someone: hello');
  });
});
