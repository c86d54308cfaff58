import { useChatwireClient, usePresence, useUser } from '@chatwire/react';
import type { Conversation } from '@chatwire/sdk';

type Participant = Conversation['participants'][number];

import { Avatar } from './profile/Avatar';

const roleLabel = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const;

/**
 * A group's members: avatar, name, status line and role of each, live as they change them
 * (`user.updated`, `participant.updated`); its owner makes an admin or takes it back.
 */
export function Members({ conversation, me }: { conversation: Conversation; me: string }) {
  const owner = conversation.participants.some((p) => p.userId === me && p.role === 'owner');
  return (
    <details className="members">
      <summary>Members ({conversation.participants.length})</summary>
      <ul aria-label="Members">
        {conversation.participants.map((participant) => (
          <Member
            key={participant.userId}
            conversationId={conversation.id}
            participant={participant}
            isMe={participant.userId === me}
            canSetRole={owner && participant.role !== 'owner'}
          />
        ))}
      </ul>
    </details>
  );
}

interface MemberProps {
  conversationId: string;
  participant: Participant;
  isMe: boolean;
  canSetRole: boolean;
}

function Member({ conversationId, participant, isMe, canSetRole }: MemberProps) {
  const client = useChatwireClient();
  const user = useUser(participant.userId);
  const { online } = usePresence(isMe ? null : participant.userId);
  const name = user?.displayName ?? 'Someone';
  const nextRole = participant.role === 'admin' ? 'member' : 'admin';
  return (
    <li className="member">
      <Avatar name={name} url={user?.avatarUrl} online={isMe ? undefined : online === true} />
      <span className="summary">
        <span className="title">
          {isMe ? `${name} (you)` : name} <span className="role">{roleLabel[participant.role]}</span>
        </span>
        {user?.statusText && <span className="status-line">{user.statusText}</span>}
      </span>
      {canSetRole && (
        <button
          type="button"
          className="link"
          onClick={() => void client.conversations.setRole(conversationId, participant.userId, nextRole)}
        >
          {participant.role === 'admin' ? 'Remove admin' : 'Make admin'}
        </button>
      )}
    </li>
  );
}
