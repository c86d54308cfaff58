import { describe, expect, it } from 'vitest';
import { isNamedIn, mentionsIn, parseMentions } from './mentions.js';

const ann = { id: 'ann', displayName: 'Ann' };
const annLee = { id: 'ann-lee', displayName: 'Ann Lee' };
const bob = { id: 'bob', displayName: 'Bob' };
const ana = { id: 'ana', displayName: 'Ana Lúcia' };
const people = [ann, annLee, bob, ana];

describe('parseMentions', () => {
  it('finds participants by display name, spaces included, case-insensitively', () => {
    expect(parseMentions('hi @bob and @ANA LÚCIA', people)).toEqual(['bob', 'ana']);
  });

  it('lets the longest name that matches win', () => {
    expect(parseMentions('@Ann Lee look', people)).toEqual(['ann-lee']);
    expect(parseMentions('@Ann look', people)).toEqual(['ann']);
    expect(parseMentions('@Ann Leeway', people)).toEqual(['ann']);
  });

  it('ends a mention at a non-letter/digit or the end, and starts one only at a word start', () => {
    expect(parseMentions('@Bob, @Bob! @Bob', people)).toEqual(['bob']);
    expect(parseMentions('@Bobby @Bob2', people)).toEqual([]);
    expect(parseMentions('mail bob@example.com or x@Bob', people)).toEqual([]);
    expect(parseMentions('(@Bob)', people)).toEqual(['bob']);
  });

  it('lists each person once, in the order first mentioned', () => {
    expect(parseMentions('@Bob @Ann @bob @ann', people)).toEqual(['bob', 'ann']);
  });

  it('finds nobody who is not a candidate, and nothing without an @', () => {
    expect(parseMentions('@Carol @', people)).toEqual([]);
    expect(parseMentions('Bob', people)).toEqual([]);
    expect(parseMentions('@Bob', [])).toEqual([]);
  });
});

describe('mentionsIn (client claims)', () => {
  it('keeps a claimed id whose @name appears even where a longer name won', () => {
    expect(isNamedIn('@Ann Lee', ann)).toBe(true);
    expect(mentionsIn('@Ann Lee, see', people, ['ann'])).toEqual(['ann-lee', 'ann']);
  });

  it('drops claimed ids that are not named visibly or are not candidates', () => {
    expect(mentionsIn('hello', people, ['bob'])).toEqual([]);
    expect(mentionsIn('@Bob', people, ['carol', 'bob'])).toEqual(['bob']);
  });
});
