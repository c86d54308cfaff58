import { describe, expect, it } from 'vitest';
import { foldWord, highlightSpans, parseSearch, termFrequencies } from './search-terms.js';

describe('search terms', () => {
  it('folds case, diacritics and the letters unaccent spells out', () => {
    expect(['Café', 'CAFE', 'cafe\u0301', 'Straße', 'Ærø', 'İstanbul', 'Łódź'].map(foldWord)).toEqual([
      'cafe',
      'cafe',
      'cafe',
      'strasse',
      'aero',
      'istanbul',
      'lodz',
    ]);
  });

  it('parses words, drops repeats, keeps the last typed word last (the prefix), refuses no words', () => {
    expect(parseSearch('  Café, hel ')).toEqual({ words: ['cafe', 'hel'], lastIsPrefix: true });
    expect(parseSearch('hel cafe hel')).toEqual({ words: ['cafe', 'hel'], lastIsPrefix: true });
    expect(parseSearch('?! … 🎉')).toBeNull();
    expect(parseSearch('日本語 テスト')?.words).toEqual(['日本語', 'テスト']);
  });

  it('highlights whole words by UTF-16 offsets, past emoji and combining marks', () => {
    const text = '🎉 Café—cafe\u0301 and cafeteria; not acafe';
    const spans = highlightSpans(text, parseSearch('cafe')!);
    expect(spans.map(({ start, end }) => text.slice(start, end))).toEqual([
      'Café',
      'cafe\u0301',
      'cafeteria',
    ]);
    expect(spans[0]).toEqual({ start: 3, end: 7 });
    expect(highlightSpans('hello world', parseSearch('hel world')!)).toEqual([{ start: 6, end: 11 }]);
  });

  it('counts each folded word of a text', () => {
    expect([...termFrequencies('Go go GO, gone!')]).toEqual([
      ['go', 3],
      ['gone', 1],
    ]);
  });
});
