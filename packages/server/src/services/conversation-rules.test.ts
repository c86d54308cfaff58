import { describe, expect, it } from 'vitest';
import { canManageAssistant, canSteerReply } from './conversation-rules.js';

describe('who may steer a reply between people', () => {
  it('lets the asker, the owner and an admin; not another member', () => {
    expect(canSteerReply('ada', 'member', 'group', 'ada')).toBe(true);
    expect(canSteerReply('bob', 'owner', 'group', 'ada')).toBe(true);
    expect(canSteerReply('bob', 'admin', 'group', 'ada')).toBe(true);
    expect(canSteerReply('bob', 'member', 'group', 'ada')).toBe(false);
    expect(canSteerReply('bob', 'member', 'direct', 'ada')).toBe(false);
  });

  it('lets either person of a direct chat when the message answered is gone (it has no owner)', () => {
    expect(canSteerReply('bob', 'member', 'direct', null)).toBe(true);
    expect(canSteerReply('bob', 'member', 'group', null)).toBe(false);
    expect(canSteerReply('bob', 'owner', 'group', null)).toBe(true);
  });

  it('lets the owner and admins of a group choose its assistant, either person of a direct chat', () => {
    expect(canManageAssistant('admin', 'group')).toBe(true);
    expect(canManageAssistant('member', 'group')).toBe(false);
    expect(canManageAssistant('member', 'direct')).toBe(true);
    expect(canManageAssistant(undefined, 'direct')).toBe(false);
  });
});
