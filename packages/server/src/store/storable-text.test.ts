import { describe, expect, it } from 'vitest';
import { jsonHasNul, storableJson, storableText } from './storable-text.js';

describe('storable text', () => {
  it('finds and replaces U+0000 in JSON, never a backslash before `u0000`', () => {
    const json = JSON.stringify({
      a: 'x\u0000y',
      'k\u0000': ['\u0000'],
      plain: 'C:\\u0000',
      two: '\\\u0000',
    });
    expect(jsonHasNul(json)).toBe(true);
    expect(JSON.parse(storableJson(json))).toEqual({
      a: 'x\uFFFDy',
      'k\uFFFD': ['\uFFFD'],
      plain: 'C:\\u0000',
      two: '\\\uFFFD',
    });
    const clean = JSON.stringify({ plain: 'C:\\u0000', even: '\\\\u0000' });
    expect(jsonHasNul(clean)).toBe(false);
    expect(storableJson(clean)).toBe(clean);
  });

  it('replaces U+0000 in text, and gives other text back as it is', () => {
    expect(storableText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    const text = 'nothing to do';
    expect(storableText(text)).toBe(text);
  });
});
