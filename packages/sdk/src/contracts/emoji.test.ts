import { describe, expect, it } from 'vitest';
import { fullyQualifiedEmoji } from './emoji.js';
import { AddReactionInput, ReactionParams } from './inputs.js';

const parse = (emoji: string) => AddReactionInput.safeParse({ emoji });
const accepted = (emoji: string) => {
  const result = parse(emoji);
  if (!result.success) throw new Error(`${JSON.stringify(emoji)} refused: ${result.error.message}`);
  return result.data.emoji;
};
const cp = (text: string) => [...text].map((c) => c.codePointAt(0)?.toString(16)).join(' ');

describe('the emoji rule of reactions', () => {
  it.each([
    ['a thumb', '👍'],
    ['a ZWJ family', '👩‍👩‍👧'],
    ['a family of four', '👨‍👩‍👧‍👦'],
    ['a flag', '🇵🇹'],
    ['a keycap', '1️⃣'],
    ['a # keycap', '#️⃣'],
    ['a skin tone', '👋🏽'],
    ['a skin tone in a ZWJ sequence', '🧑🏽‍💻'],
    ['a couple with two skin tones', '🧑🏻‍❤️‍💋‍🧑🏼'],
    ['a tag-sequence flag', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['a rainbow flag', '🏳️‍🌈'],
    ['a heart on fire', '❤️‍🔥'],
    ['an eye in a speech bubble', '👁️‍🗨️'],
    ['a short code', 'party_parrot'],
    ['a +1 code', '+1'],
  ])('accepts %s as it is (%s)', (_name, emoji) => {
    expect(cp(accepted(emoji))).toBe(cp(emoji));
  });

  it.each([
    ['❤ (no U+FE0F)', '\u2764', '\u2764\ufe0f'],
    ['☺ (no U+FE0F)', '\u263a', '\u263a\ufe0f'],
    ['a keycap without U+FE0F', '1\u20e3', '1\ufe0f\u20e3'],
    ['a rainbow flag without U+FE0F', '\u{1f3f3}\u200d\u{1f308}', '\u{1f3f3}\ufe0f\u200d\u{1f308}'],
    ['a text-style heart (U+FE0E)', '\u2764\ufe0e', '\u2764\ufe0f'],
    ['a thumb with a needless U+FE0F', '👍\ufe0f', '👍'],
    ['a raised finger with a skin tone and a U+FE0F', '\u261d\ufe0f\u{1f3fb}', '\u261d\u{1f3fb}'],
  ])('spells %s fully qualified', (_name, input, expected) => {
    expect(cp(accepted(input))).toBe(cp(expected));
  });

  it('makes ❤ and ❤️ one reaction, in a body and in the DELETE path', () => {
    expect(accepted('❤')).toBe(accepted('❤️'));
    const params = ReactionParams.parse({
      id: '01a23cec-52b9-7277-addb-eba1d33e3af9',
      messageId: '01a23cec-52b9-7277-addb-eba1d33e3afa',
      emoji: '\u2764',
    });
    expect(params.emoji).toBe('\u2764\ufe0f');
  });

  it.each([
    ['two emoji', '👍👍'],
    ['two different emoji', '👍🎉'],
    ['two flags', '🇵🇹🇫🇷'],
    ['half a flag', '🇵'],
    ['an emoji and text', '👍ok'],
    ['a letter', 'é'],
    ['an Arabic-Indic digit', '١'],
    ['a dangling ZWJ', '👩‍'],
    ['a lone skin tone', '🏽'],
    ['spaces', '👍 '],
    ['nothing', ''],
    ['a code over 32 characters', 'a'.repeat(33)],
  ])('refuses %s', (_name, emoji) => {
    expect(parse(emoji).success).toBe(false);
  });

  it('leaves short codes alone', () => {
    expect(fullyQualifiedEmoji('party_parrot')).toBe('party_parrot');
  });
});
