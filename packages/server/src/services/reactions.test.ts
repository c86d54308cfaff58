import { describe, expect, it } from 'vitest';
import type { ReactionRecord } from '../store/store.js';
import { withoutReaction, withReaction } from './reactions.js';

describe('reaction groups', () => {
  const groups: ReactionRecord[] = [
    { emoji: '👍', userIds: ['ada'] },
    { emoji: '🎉', userIds: ['bob', 'ada'] },
  ];

  it('adds at the end of a group, or as a new group at the end, up to the limit of groups', () => {
    expect(withReaction(groups, '🎉', 'carl', 3)).toEqual({
      groups: [groups[0], { emoji: '🎉', userIds: ['bob', 'ada', 'carl'] }],
    });
    expect(withReaction(groups, '👀', 'carl', 3)).toEqual({
      groups: [...groups, { emoji: '👀', userIds: ['carl'] }],
    });
    expect(withReaction(groups, '👀', 'carl', 2)).toBe('full');
    // Full only stops a new emoji: joining one, or repeating one's own, is as always.
    expect(withReaction(groups, '👍', 'carl', 2)).toEqual({
      groups: [{ emoji: '👍', userIds: ['ada', 'carl'] }, groups[1]],
    });
    expect(withReaction(groups, '🎉', 'ada', 2)).toBe('unchanged');
  });

  it('takes one back, dropping a group left empty, and leaves what it was given as it was', () => {
    expect(withoutReaction(groups, '🎉', 'bob')).toEqual({
      groups: [groups[0], { emoji: '🎉', userIds: ['ada'] }],
    });
    expect(withoutReaction(groups, '👍', 'ada')).toEqual({ groups: [groups[1]] });
    expect(withoutReaction(groups, '👍', 'bob')).toBe('unchanged');
    expect(withoutReaction(groups, '👀', 'ada')).toBe('unchanged');
    expect(groups).toEqual([
      { emoji: '👍', userIds: ['ada'] },
      { emoji: '🎉', userIds: ['bob', 'ada'] },
    ]);
  });
});
