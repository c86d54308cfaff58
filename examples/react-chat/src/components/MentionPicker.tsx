/** A person who can be mentioned in the open conversation. */
export interface Mentionable {
  id: string;
  name: string;
}

/** The `@word` being typed at the end of `text`, or `null`. */
export function mentionQuery(text: string): string | null {
  const match = /(?:^|[^\p{L}\p{N}])@([\p{L}\p{N} ._-]{0,40})$/u.exec(text);
  return match ? (match[1] ?? '') : null;
}

/** `text` with the `@query` at its end replaced by `@Name `. */
export function withMention(text: string, name: string): string {
  const query = mentionQuery(text) ?? '';
  return `${text.slice(0, text.length - query.length)}${name} `;
}

/**
 * The composer's `@` autocomplete: the participants whose name starts with what follows the `@`.
 * The server finds the mention in the text itself; choosing here only spells the name right.
 */
export function MentionPicker({
  query,
  people,
  onPick,
}: {
  query: string;
  people: readonly Mentionable[];
  onPick(person: Mentionable): void;
}) {
  const wanted = query.toLowerCase();
  const matches = people.filter((person) => person.name.toLowerCase().startsWith(wanted)).slice(0, 6);
  if (matches.length === 0) return null;
  return (
    <ul className="mention-picker" aria-label="Mention someone">
      {matches.map((person) => (
        <li key={person.id}>
          <button
            type="button"
            onMouseDown={(event) => {
              // Keep the focus in the text box.
              event.preventDefault();
              onPick(person);
            }}
          >
            @{person.name}
          </button>
        </li>
      ))}
    </ul>
  );
}
