import { describe, expect, it } from 'vitest';
import { assistantTurnFor, mentionsAssistant } from './assistant-trigger.js';

describe('mentionsAssistant', () => {
  it.each([
    ['@assistant what time is it?', true],
    ['hey @Assistant, help', true],
    ['ask @FAST.', true],
    ['(@fast)', true],
    ['@fast\nnext line', true],
    ['line one\n@assistant', true],
  ])('%j mentions it', (text, expected) => {
    expect(mentionsAssistant(text, 'fast')).toBe(expected);
  });

  it.each([
    ['no mention at all'],
    ['assistant without the at'],
    ['mail me@assistant.dev'],
    ['@assistants are many'],
    ['@fastest wins'],
    ['@fast-lane'],
    ['@fast_food'],
    ['@@fast'],
  ])('%j does not', (text) => {
    expect(mentionsAssistant(text, 'fast')).toBe(false);
  });

  it('takes an alias with characters a pattern would read as operators literally', () => {
    expect(mentionsAssistant('@gpt-4o.mini hi', 'gpt-4o.mini')).toBe(true);
    expect(mentionsAssistant('@gpt-4oXmini hi', 'gpt-4o.mini')).toBe(false);
    expect(mentionsAssistant('@a+b', 'a+b')).toBe(true);
  });
});

describe('assistantTurnFor', () => {
  const group = { type: 'group' as const, model: null };

  it('in an assistant conversation: always, with the send’s model or the conversation’s', () => {
    const chat = { type: 'assistant' as const, model: 'fast', assistant: null };
    expect(assistantTurnFor(chat, 'hi', undefined)).toEqual({ alias: 'fast' });
    expect(assistantTurnFor(chat, 'hi', 'smart')).toEqual({ alias: 'smart' });
  });

  it('between people: never without an assistant member', () => {
    expect(assistantTurnFor({ ...group, assistant: null }, '@assistant hi', undefined)).toBeNull();
  });

  it('between people: on a mention, or on every message, as set', () => {
    const mentions = { ...group, assistant: { model: 'fast', respondTo: 'mentions' as const } };
    expect(assistantTurnFor(mentions, 'hello', undefined)).toBeNull();
    expect(assistantTurnFor(mentions, '@fast hello', undefined)).toEqual({ alias: 'fast' });
    const every = { ...group, assistant: { model: 'fast', respondTo: 'every_message' as const } };
    expect(assistantTurnFor(every, 'hello', undefined)).toEqual({ alias: 'fast' });
  });
});
