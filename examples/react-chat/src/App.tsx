import { useAuth } from '@chatwire/react';
import type { User } from '@chatwire/sdk';
import { AuthScreen } from './components/AuthScreen';
import { ChatView } from './components/ChatView';
import { Sidebar } from './components/Sidebar';
import { useOpenConversation } from './open-conversation';

export function App() {
  const { user, status } = useAuth();
  if (status === 'loading') return <p className="splash">Loading…</p>;
  if (!user) return <AuthScreen />;
  return <Chats me={user} />;
}

function Chats({ me }: { me: User }) {
  const [openId, open] = useOpenConversation();
  return (
    <div className="layout">
      <Sidebar me={me} openId={openId} onOpen={open} />
      {openId ? (
        <ChatView key={openId} conversationId={openId} me={me} />
      ) : (
        <main className="empty">Pick a conversation, or start one.</main>
      )}
    </div>
  );
}
