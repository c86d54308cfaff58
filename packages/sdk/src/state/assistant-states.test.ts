import { describe, expect, it } from 'vitest';
import { withAssistantEvent, withoutCompleted } from './assistant-states.js';

const event = (
  state: 'thinking' | 'writing' | 'using_tool' | 'idle',
  messageId = 'r1',
  toolName?: string,
) => ({
  type: 'assistant.state' as const,
  conversationId: 'c1',
  messageId,
  state,
  ...(toolName ? { toolName } : {}),
});

describe('assistant states', () => {
  it('keeps the latest state per conversation, with the tool while using one', () => {
    let states = withAssistantEvent({}, event('thinking'));
    expect(states).toEqual({ c1: { messageId: 'r1', state: 'thinking' } });
    states = withAssistantEvent(states, event('using_tool', 'r1', 'calculator'));
    expect(states.c1).toEqual({ messageId: 'r1', state: 'using_tool', toolName: 'calculator' });
    states = withAssistantEvent(states, event('writing'));
    expect(states.c1).toEqual({ messageId: 'r1', state: 'writing' });
  });

  it('is cleared by idle, and by the reply completing', () => {
    const writing = withAssistantEvent({}, event('writing'));
    expect(withAssistantEvent(writing, event('idle'))).toEqual({});
    expect(withoutCompleted(writing, { conversationId: 'c1', id: 'r1' })).toEqual({});
  });

  it("an older reply's end leaves a newer reply's state (and the same object when nothing changes)", () => {
    const writing = withAssistantEvent({}, event('writing', 'r2'));
    expect(withAssistantEvent(writing, event('idle', 'r1'))).toBe(writing);
    expect(withoutCompleted(writing, { conversationId: 'c1', id: 'r1' })).toBe(writing);
  });
});
