/**
 * Text every store can keep. PostgreSQL refuses U+0000 in `text` and `jsonb` (lowdb would keep
 * it): what a user sends holding one is refused at the edge; what a model writes or a server
 * tool returns has it replaced with U+FFFD (the replacement character), so that both stores keep
 * the same reply and its write never fails for it.
 */

/** `\u0000` escaped in JSON text — not a backslash followed by `u0000`. */
const escapedNul = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** Whether JSON text holds U+0000 (escaped, as `JSON.stringify` writes it). */
export function jsonHasNul(json: string): boolean {
  escapedNul.lastIndex = 0;
  return escapedNul.test(json);
}

/** JSON text with every U+0000 in it made U+FFFD. */
export function storableJson(json: string): string {
  return json.includes('\\u0000') ? json.replace(escapedNul, '$1\\ufffd') : json;
}

/** Text with every U+0000 in it made U+FFFD. */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
