import { useAuth, useConversations, usePresence, useRealtimeStatus, useUser } from '@chatwire/react';
import type { Conversation, User } from '@chatwire/sdk';
import { useState } from 'react';
import { ErrorNote } from '../errors';
import { otherPerson, useConversationTitle, useKnownPeople } from '../people';
import { AccountSettings } from './AccountSettings';
import { NewConversation } from './NewConversation';
import { Avatar } from './profile/Avatar';
import { ProfileDialog } from './profile/ProfileDialog';
import { SearchPanel } from './SearchPanel';

interface SidebarProps {
  me: User;
  openId: string | null;
  onOpen(id: string): void;
}

/** Who is signed in, the connection, and the conversations with their unread counts. */
export function Sidebar({ me, openId, onOpen }: SidebarProps) {
  const { logout } = useAuth();
  const realtime = useRealtimeStatus();
  const { conversations, status, error, hasMore, loadingMore, loadMore, refresh } = useConversations();
  useKnownPeople(conversations.flatMap((c) => c.participants.map((p) => p.userId)));
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState(false);

  return (
    <aside className="sidebar">
      <header className="me">
        <button
          type="button"
          className="me-profile"
          aria-label={`Edit profile (${me.displayName})`}
          onClick={() => setEditing(true)}
        >
          <Avatar name={me.displayName} url={me.avatarUrl} />
          <span className="summary">
            <strong className="title">{me.displayName}</strong>
            {me.statusText && <span className="status-line">{me.statusText}</span>}
            <span className={`connection ${realtime}`}>{realtimeLabel[realtime]}</span>
          </span>
        </button>
        <button type="button" className="link" onClick={() => void logout()}>
          Sign out
        </button>
      </header>
      <SearchPanel onOpen={onOpen} />
      <AccountSettings />
      {editing && <ProfileDialog onClose={() => setEditing(false)} />}
      <button type="button" className="primary" onClick={() => setCreating(true)}>
        New conversation
      </button>
      {creating && (
        <NewConversation
          me={me}
          onCancel={() => setCreating(false)}
          onCreated={(conversation) => {
            setCreating(false);
            onOpen(conversation.id);
          }}
        />
      )}
      <nav aria-label="Conversations">
        <ul className="conversations">
          {conversations.map((conversation) => (
            <ConversationItem
              key={conversation.id}
              conversation={conversation}
              me={me.id}
              active={conversation.id === openId}
              onOpen={onOpen}
            />
          ))}
        </ul>
        {status === 'loading' && <p className="muted">Loading…</p>}
        {status === 'ready' && conversations.length === 0 && <p className="muted">No conversations yet.</p>}
        {error && <ErrorNote error={error} onRetry={() => void refresh()} />}
        {hasMore && (
          <button type="button" className="link" disabled={loadingMore} onClick={() => void loadMore()}>
            Show more
          </button>
        )}
      </nav>
    </aside>
  );
}

const realtimeLabel = {
  idle: '',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Offline, reconnecting…',
  closed: 'Offline',
} as const;

interface ItemProps {
  conversation: Conversation;
  me: string;
  active: boolean;
  onOpen(id: string): void;
}

function ConversationItem({ conversation, me, active, onOpen }: ItemProps) {
  const title = useConversationTitle(conversation, me);
  const other = otherPerson(conversation, me);
  const { online } = usePresence(other);
  const person = useUser(other);
  const unread = conversation.unreadCount;
  return (
    <li>
      <button
        type="button"
        className="conversation"
        aria-current={active ? 'page' : undefined}
        onClick={() => onOpen(conversation.id)}
      >
        {conversation.type === 'assistant' ? (
          <span className="avatar" aria-hidden>
            ✦
          </span>
        ) : (
          <Avatar name={title} url={person?.avatarUrl} online={other ? online === true : undefined} />
        )}
        <span className="summary">
          <span className="title">
            {title}
            {other && <span className="visually-hidden">{online ? ' (online)' : ' (offline)'}</span>}
          </span>
          {person?.statusText && <span className="status-line">{person.statusText}</span>}
          <span className="preview">{previewOf(conversation.lastMessage)}</span>
        </span>
        {conversation.unreadMentionCount > 0 && (
          <span className="badge mention" title="You were mentioned">
            @<span className="visually-hidden"> mentioned</span>
          </span>
        )}
        {unread > 0 && (
          <span className="badge">
            {unread}
            <span className="visually-hidden"> unread</span>
          </span>
        )}
      </button>
    </li>
  );
}

/** The last message in one line: an assistant's without its Markdown's bold and code marks. */
function previewOf(message: Conversation['lastMessage']): string {
  if (!message) return '';
  return message.role === 'assistant' ? message.content.replace(/\*\*|`/g, '') : message.content;
}
