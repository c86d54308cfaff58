/**
 * The emoji rule of reactions: what one emoji is, and the one spelling of it that is stored.
 *
 * Keyboards and pickers spell the same emoji differently: `❤` (U+2764 alone, "unqualified") and
 * `❤️` (U+2764 U+FE0F, "fully qualified") are one heart to a person, and must be one reaction.
 * Every emoji is therefore rewritten to its fully-qualified form (Unicode TS #51) before it is
 * checked or stored: each emoji character without emoji presentation of its own (U+2764, U+263A,
 * the keycap digits …) gets U+FE0F, unless a skin tone follows it; a U+FE0F (or text-style U+FE0E)
 * after a character that is an emoji by default goes.
 */

/** U+FE0F VARIATION SELECTOR-16: "show as emoji". */
const emojiStyle = '\ufe0f';
const pictographic = /\p{Extended_Pictographic}/u;
const presentation = /\p{Emoji_Presentation}/u;
const skinTone = /\p{Emoji_Modifier}/u;
const keycapBase = /[0-9#*]/;
const keycap = '\u20e3';

/**
 * `text` with every emoji in its fully-qualified spelling: `❤` → `❤️`, `1⃣` → `1️⃣`,
 * `👍️` → `👍`. Anything else (a short code such as `party_parrot`) is left as it is.
 *
 * @example
 * ```ts
 * fullyQualifiedEmoji('\u2764'); // '\u2764\ufe0f' (❤️)
 * fullyQualifiedEmoji('❤️') === fullyQualifiedEmoji('❤'); // true
 * ```
 */
export function fullyQualifiedEmoji(text: string): string {
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[i] as string;
    if (char === emojiStyle || char === '\ufe0e') {
      // Kept only where the character before asked for it (added below); a stray one goes.
      continue;
    }
    out += char;
    let next = i + 1;
    while (chars[next] === emojiStyle || chars[next] === '\ufe0e') next += 1;
    const isKeycapBase = keycapBase.test(char) && chars[next] === keycap;
    const wantsSelector = (pictographic.test(char) && !presentation.test(char)) || isKeycapBase;
    if (wantsSelector && !skinTone.test(chars[next] ?? '')) out += emojiStyle;
  }
  return out;
}

/** One emoji element: a flag (two regional indicators), a keycap, or a pictograph (with a skin tone or tag sequence). */
const element =
  '(?:\\p{Regional_Indicator}{2}|[0-9#*]\\ufe0f\\u20e3|\\p{Extended_Pictographic}(?:\\ufe0f|\\p{Emoji_Modifier})?(?:[\\u{E0020}-\\u{E007E}]+\\u{E007F})?)';

/**
 * One fully-qualified emoji — elements joined by ZWJ (U+200D), so 👩‍👩‍👧, 🏳️‍🌈 and 🧑🏽‍💻 are one —
 * or a short code (`party_parrot`: lower-case letters, digits, `_`, `+`, `-`). Two emoji side by
 * side are not one. Pictographs not yet assigned are accepted too: a newer keyboard's emoji must
 * not wait for this server's Unicode tables.
 */
export const oneEmojiOrShortCode = /* @__PURE__ */ new RegExp(
  `^(?:[a-z0-9_+-]+|${element}(?:\\u200d${element})*)$`,
  'u',
);
