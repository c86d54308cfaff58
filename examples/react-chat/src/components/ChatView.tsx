import { useChat, useChatState, useConversation, usePresence, useTyping, useUploads } from '@chatwire/react';
import type { User } from '@chatwire/sdk';
import { ErrorNote } from '../errors';
import { otherPerson, useConversationTitle } from '../people';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { Members } from './profile/Members';
import { StatusLine } from './profile/PersonLine';

/**
 * One conversation: its header, its messages (streaming in an assistant chat), who is typing, the
 * composer with the files attached to the next message (`useUploads`: `send` takes them).
 */
export function ChatView({ conversationId, me }: { conversationId: string; me: User }) {
  const { conversation, error: loadError } = useConversation(conversationId);
  const chat = useChat(conversationId);
  const typing = useTyping(conversationId);
  const uploads = useUploads(conversationId);
  const title = useConversationTitle(conversation, me.id);
  const other = otherPerson(conversation, me.id);
  const { online } = usePresence(other);

  if (loadError) {
    return (
      <main className="chat">
        <ErrorNote error={loadError} />
      </main>
    );
  }
  const assistant = conversation?.type === 'assistant';
  const busy = chat.status === 'submitted' || chat.status === 'streaming';
  const canRegenerate = assistant && !busy && chat.messages.at(-1)?.role === 'assistant';

  return (
    <main className="chat" aria-label={title}>
      <header className="chat-header">
        <h2>{title}</h2>
        {other && (
          <span className={online ? 'presence online' : 'presence'}>{online ? 'Online' : 'Offline'}</span>
        )}
        <StatusLine userId={other} />
        {conversation?.type === 'group' && <Members conversation={conversation} me={me.id} />}
      </header>
      <MessageList
        chat={chat}
        me={me.id}
        showSenders={conversation?.type === 'group'}
        reactions={conversation != null && conversation.type !== 'assistant'}
      />
      <TypingLine userIds={typing.typingUserIds} />
      {chat.error && <ErrorNote error={chat.error} />}
      {canRegenerate && (
        <button type="button" className="link regenerate" onClick={() => void chat.regenerate()}>
          ↻ Regenerate the last reply
        </button>
      )}
      <Composer
        busy={busy}
        placeholder={assistant ? 'Ask the assistant…' : 'Write a message…'}
        uploads={uploads}
        onInput={assistant ? undefined : typing.onInput}
        onSend={(content) => {
          typing.stop();
          void chat.send(content);
        }}
        onStop={() => void chat.stop()}
      />
    </main>
  );
}

function TypingLine({ userIds }: { userIds: readonly string[] }) {
  const users = useChatState((state) => state.users);
  const names = userIds.map((id) => users[id]?.displayName ?? 'Someone');
  return (
    <p className="typing" aria-live="polite">
      {names.length > 0 && `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`}
    </p>
  );
}
