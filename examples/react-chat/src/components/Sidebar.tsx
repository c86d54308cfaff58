import { useAuth, useConversations, usePresence, useRealtimeStatus } from '@chatwire/react';
import type { Conversation, User } from '@chatwire/sdk';
import { useState } from 'react';
import { ErrorNote } from '../errors';
import { otherPerson, useConversationTitle, useKnownPeople } from '../people';
import { AccountSettings } from './AccountSettings';
import { NewConversation } from './NewConversation';
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

  return (
    <aside className="sidebar">
      <header className="me">
        <div>
          <strong>{me.displayName}</strong>
          <span className={`connection ${realtime}`}>{realtimeLabel[realtime]}</span>
        </div>
        <button type="button" className="link" onClick={() => void logout()}>
          Sign out
        </button>
      </header>
      <SearchPanel onOpen={onOpen} />
      <AccountSettings />
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
  const unread = conversation.unreadCount;
  return (
    <li>
      <button
        type="button"
        className="conversation"
        aria-current={active ? 'page' : undefined}
        onClick={() => onOpen(conversation.id)}
      >
        <span className="avatar" aria-hidden>
          {conversation.type === 'assistant' ? '✦' : title.slice(0, 1).toUpperCase()}
          {other && <span className={online ? 'dot online' : 'dot'} />}
        </span>
        <span className="summary">
          <span className="title">
            {title}
            {other && <span className="visually-hidden">{online ? ' (online)' : ' (offline)'}</span>}
          </span>
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
