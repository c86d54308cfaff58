import { useChatState } from '@chatwire/react';
import type { ReactNode } from 'react';

/**
 * A person's message text with the people it mentions highlighted. The server decided whom it
 * mentions (`message.mentions`); this only finds their `@Name` in the text to mark it.
 */
export function MentionText({ content, mentions }: { content: string; mentions: readonly string[] }) {
  const users = useChatState((state) => state.users);
  const me = useChatState((state) => state.auth.user);
  const names = mentions
    .map((id) => (id === me?.id ? me.displayName : users[id]?.displayName))
    .filter((name): name is string => Boolean(name))
    .sort((a, b) => b.length - a.length);
  if (names.length === 0) return <span className="text">{content}</span>;

  const pieces: ReactNode[] = [];
  const lower = content.toLowerCase();
  let from = 0;
  for (let at = content.indexOf('@'); at !== -1; at = content.indexOf('@', at + 1)) {
    const name = names.find((candidate) => lower.startsWith(candidate.toLowerCase(), at + 1));
    if (!name) continue;
    const end = at + 1 + name.length;
    pieces.push(content.slice(from, at));
    const self = name === me?.displayName;
    pieces.push(
      <mark key={at} className={self ? 'mention me' : 'mention'}>
        {content.slice(at, end)}
      </mark>,
    );
    from = end;
    at = end - 1;
  }
  pieces.push(content.slice(from));
  return <span className="text">{pieces}</span>;
}
