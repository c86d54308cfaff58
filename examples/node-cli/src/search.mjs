/**
 * `/search words`: the messages of my conversations that match, best first, the matching words
 * marked `*like this*` (a terminal has no <mark>), each with where it was said.
 */

/**
 * Prints the first page of hits for `words`.
 *
 * @param {object} context
 * @param {import('@chatwire/sdk').ChatwireClient} context.client
 * @param {ReturnType<import('./terminal.mjs').createTerminal>} context.term
 * @param {(conversationId: string) => string} context.whereOf The conversation's name, for a hit.
 * @param {string} words
 */
export async function printSearch({ client, term, whereOf }, words) {
  const { print, style } = term;
  if (!/[\p{L}\p{N}]/u.test(words)) {
    print(style.dim('  /search needs a word, e.g. /search invoice march'));
    return;
  }
  try {
    const page = await client.search.messages(words, { limit: 10 });
    if (page.items.length === 0) print(style.dim(`  no messages match “${words}”`));
    for (const hit of page.items) {
      print(`  ${style.dim(`${whereOf(hit.conversationId)} ·`)} ${marked(hit, style.bold)}`);
    }
    if (page.hasNextPage()) print(style.dim('  … more: add a word to narrow it'));
  } catch (error) {
    print(style.red(`  search failed: ${error.message}`));
  }
}

/** The hit's text with each highlighted span as `*span*`. */
function marked({ message, highlights }, emphasis) {
  let text = '';
  let at = 0;
  for (const { start, end } of highlights) {
    text += `${message.content.slice(at, start)}${emphasis(`*${message.content.slice(start, end)}*`)}`;
    at = end;
  }
  return text + message.content.slice(at);
}
