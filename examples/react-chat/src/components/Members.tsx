import { useChatState, useChatwireClient } from '@chatwire/react';
import type { Conversation } from '@chatwire/sdk';

const roleLabel = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const;

/**
 * A group's members with their roles; its owner makes an admin or takes it back. Role changes
 * arrive live (`participant.updated`), so the list follows whoever changed them.
 */
export function Members({ conversation, me }: { conversation: Conversation; me: string }) {
  const client = useChatwireClient();
  const users = useChatState((state) => state.users);
  const owner = conversation.participants.some((p) => p.userId === me && p.role === 'owner');
  return (
    <details className="members">
      <summary>Members ({conversation.participants.length})</summary>
      <ul aria-label="Members">
        {conversation.participants.map((participant) => (
          <li key={participant.userId}>
            <span>
              {participant.userId === me ? 'You' : (users[participant.userId]?.displayName ?? 'Someone')}
            </span>{' '}
            <span className="role">{roleLabel[participant.role]}</span>
            {owner && participant.role !== 'owner' && (
              <button
                type="button"
                className="link"
                onClick={() =>
                  void client.conversations.setRole(
                    conversation.id,
                    participant.userId,
                    participant.role === 'admin' ? 'member' : 'admin',
                  )
                }
              >
                {participant.role === 'admin' ? 'Remove admin' : 'Make admin'}
              </button>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
