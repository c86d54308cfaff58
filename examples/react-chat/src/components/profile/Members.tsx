import { usePresence, useUser } from '@chatwire/react';
import type { Conversation } from '@chatwire/sdk';
import { Avatar } from './Avatar';

/** A group's members: avatar, name and status line of each, live as they change them. */
export function Members({ conversation, me }: { conversation: Conversation; me: string }) {
  return (
    <ul className="members" aria-label="Members">
      {conversation.participants.map((participant) => (
        <Member key={participant.userId} userId={participant.userId} isMe={participant.userId === me} />
      ))}
    </ul>
  );
}

function Member({ userId, isMe }: { userId: string; isMe: boolean }) {
  const user = useUser(userId);
  const { online } = usePresence(isMe ? null : userId);
  const name = user?.displayName ?? 'Someone';
  return (
    <li className="member">
      <Avatar name={name} url={user?.avatarUrl} online={isMe ? undefined : online === true} />
      <span className="summary">
        <span className="title">{isMe ? `${name} (you)` : name}</span>
        {user?.statusText && <span className="status-line">{user.statusText}</span>}
      </span>
    </li>
  );
}
