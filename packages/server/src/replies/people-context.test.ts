import { describe, expect, it } from 'vitest';
import { newMessageRecord } from '../store/copies.js';
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
    expect(withSpeakerName(newMessageRecord(said, 1), names).content).toBe('Alice: hello');
    const reply = newMessageRecord({ ...said, role: 'assistant', senderId: null }, 2);
    expect(withSpeakerName(reply, names)).toBe(reply);
    const gone = newMessageRecord({ ...said, senderId: 'u2' }, 3);
    expect(withSpeakerName(gone, names).content).toBe('Someone: hello');
  });
});
