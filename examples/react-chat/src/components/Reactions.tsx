import { useChatState } from '@chatwire/react';
import type { ReactionGroup } from '@chatwire/sdk';
import { useState } from 'react';

/** The emoji the "add reaction" button offers; any other one still shows when someone used it. */
const quickEmoji = ['👍', '❤️', '😂', '🎉', '😮', '🙏'];

interface ReactionsProps {
  reactions: readonly ReactionGroup[];
  me: string;
  onToggle(emoji: string): void;
}

/**
 * A message's reactions: one chip per emoji with its count (pressed when one is yours; its title
 * says who), and a button that offers a few emoji. Clicking a chip adds yours or takes it back.
 */
export function Reactions({ reactions, me, onToggle }: ReactionsProps) {
  const [picking, setPicking] = useState(false);
  return (
    <div className="reactions">
      {reactions.map((group) => (
        <ReactionChip key={group.emoji} group={group} me={me} onToggle={() => onToggle(group.emoji)} />
      ))}
      <button
        type="button"
        className="reaction-add"
        aria-label="Add reaction"
        aria-expanded={picking}
        title="Add reaction"
        onClick={() => setPicking(!picking)}
      >
        ☺+
      </button>
      {picking && (
        <div className="reaction-picker" role="menu" aria-label="Pick a reaction">
          {quickEmoji.map((emoji) => (
            <button
              key={emoji}
              type="button"
              role="menuitem"
              onClick={() => {
                setPicking(false);
                // The picker adds: an emoji already yours stays (its chip takes it back).
                if (!reactions.some((g) => g.emoji === emoji && g.userIds.includes(me))) onToggle(emoji);
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function ReactionChip({ group, me, onToggle }: { group: ReactionGroup; me: string; onToggle(): void }) {
  const users = useChatState((state) => state.users);
  const mine = group.userIds.includes(me);
  // Names of the people this app has met (conversation members are looked up when it opens).
  const who = group.userIds.map((id) => (id === me ? 'You' : (users[id]?.displayName ?? 'Someone')));
  return (
    <button
      type="button"
      className={mine ? 'reaction mine' : 'reaction'}
      aria-pressed={mine}
      title={`${who.join(', ')} reacted with ${group.emoji}`}
      data-emoji={group.emoji}
      onClick={onToggle}
    >
      <span className="reaction-emoji">{group.emoji}</span>
      <span className="reaction-count">{group.count}</span>
    </button>
  );
}
