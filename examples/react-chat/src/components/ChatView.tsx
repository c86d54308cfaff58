import {
  useChat,
  useChatState,
  useChatwireClient,
  useConversation,
  usePresence,
  useTyping,
  useUploads,
} from '@chatwire/react';
import type { ChatMessage, User } from '@chatwire/sdk';
import { useState } from 'react';
import { ErrorNote } from '../errors';
import { otherPerson, useConversationTitle } from '../people';
import { AssistantActivity, AssistantMember } from './AssistantMember';
import { Composer } from './Composer';
import { Members } from './Members';
import { MessageList } from './MessageList';
import { PinnedBar } from './PinnedBar';
import { StatusLine } from './profile/PersonLine';
import { QuoteBlock } from './ThreadBits';
import { ThreadPanel } from './ThreadPanel';

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
  const users = useChatState((state) => state.users);
  const mentionable = (conversation?.participants ?? [])
    .filter((p) => p.userId !== me.id && users[p.userId])
    .map((p) => ({ id: p.userId, name: users[p.userId]?.displayName ?? '' }));
  const [threadOf, setThreadOf] = useState<string | null>(null);
  const [quote, setQuote] = useState<ChatMessage | null>(null);
  const client = useChatwireClient();

  if (loadError) {
    return (
      <main className="chat">
        <ErrorNote error={loadError} />
      </main>
    );
  }
  const assistant = conversation?.type === 'assistant';
  const busy = chat.status === 'submitted' || chat.status === 'streaming';
  // As the server's permissions.ts: owners and admins pin, anyone in a direct conversation.
  const role = conversation?.participants.find((p) => p.userId === me.id)?.role;
  const canPin = conversation?.type === 'direct' || (conversation?.type === 'group' && role !== 'member');
  const canRegenerate = assistant && !busy && chat.messages.at(-1)?.role === 'assistant';
  const people = conversation != null && !assistant;

  return (
    <main className={threadOf ? 'chat with-thread' : 'chat'} aria-label={title}>
      <header className="chat-header">
        <h2>{title}</h2>
        {other && (
          <span className={online ? 'presence online' : 'presence'}>{online ? 'Online' : 'Offline'}</span>
        )}
        <StatusLine userId={other} />
        {conversation && !assistant && <AssistantMember conversation={conversation} me={me.id} />}
        {conversation?.type === 'group' && <Members conversation={conversation} me={me.id} />}
      </header>
      <PinnedBar conversationId={conversationId} messages={chat.messages} />
      <MessageList
        chat={chat}
        me={me.id}
        showSenders={conversation?.type === 'group' || Boolean(conversation?.assistant)}
        reactions={people}
        receiptsIn={people ? conversationId : undefined}
        threads={people ? { open: setThreadOf, quote: setQuote } : undefined}
        onPin={
          canPin
            ? (message) =>
                void (message.pinnedAt === null
                  ? client.messages.pin(conversationId, message.id)
                  : client.messages.unpin(conversationId, message.id))
            : undefined
        }
      />
      <TypingLine userIds={typing.typingUserIds} />
      {conversation?.assistant && (
        <AssistantActivity conversationId={conversationId} name={conversation.assistant.model} />
      )}
      {chat.error && <ErrorNote error={chat.error} />}
      {canRegenerate && (
        <button type="button" className="link regenerate" onClick={() => void chat.regenerate()}>
          ↻ Regenerate the last reply
        </button>
      )}
      {quote && <QuoteBlock quoted={{ ...quote, deleted: false }} onRemove={() => setQuote(null)} />}
      <Composer
        busy={busy}
        placeholder={
          assistant
            ? 'Ask the assistant…'
            : conversation?.assistant?.respondTo === 'mentions'
              ? 'Write a message… (@assistant to ask it)'
              : 'Write a message…'
        }
        uploads={uploads}
        onInput={assistant ? undefined : typing.onInput}
        people={assistant ? undefined : mentionable}
        onSend={(content) => {
          typing.stop();
          void chat.send(content, quote ? { quotedMessageId: quote.id } : {});
          setQuote(null);
        }}
        onStop={() => void chat.stop()}
      />
      {threadOf && (
        <ThreadPanel
          conversationId={conversationId}
          parentId={threadOf}
          me={me.id}
          onClose={() => setThreadOf(null)}
        />
      )}
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
