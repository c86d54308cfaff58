/**
 * A thread beside the conversation: its parent, its replies (live), and a composer whose reply may
 * also go to the conversation. The thread is marked read as its replies show.
 */
import { useChatState, useThread } from '@chatwire/react';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorNote } from '../errors';
import { useDisplayName } from '../people';
import { QuoteBlock } from './ThreadBits';

interface ThreadPanelProps {
  conversationId: string;
  parentId: string;
  me: string;
  onClose(): void;
}

export function ThreadPanel({ conversationId, parentId, me, onClose }: ThreadPanelProps) {
  const thread = useThread(conversationId, parentId);
  const parent = useChatState((state) =>
    state.messages[conversationId]?.items.find((message) => message.id === parentId),
  );
  const [text, setText] = useState('');
  const [alsoInConversation, setAlso] = useState(false);
  const newest = thread.replies.at(-1)?.id;
  const { markRead } = thread;

  useEffect(() => {
    if (newest) markRead();
  }, [newest, markRead]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const content = text.trim();
    if (!content) return;
    setText('');
    void thread.send(content, { alsoInConversation });
  }

  return (
    <aside className="thread-panel" aria-label="Thread">
      <header className="thread-header">
        <h3>Thread</h3>
        <button type="button" className="link" aria-label="Close thread" onClick={onClose}>
          ✕
        </button>
      </header>
      {parent && <ThreadMessage senderId={parent.senderId} content={parent.content} me={me} parent />}
      <ol className="thread-replies" aria-label="Replies">
        {thread.hasOlder && (
          <li className="older">
            <button type="button" className="link" onClick={() => void thread.loadOlder()}>
              Load older replies
            </button>
          </li>
        )}
        {thread.isLoading && <li className="muted">Loading…</li>}
        {thread.replies.map((reply) => (
          <li key={reply.key}>
            {reply.quoted && <QuoteBlock quoted={reply.quoted} />}
            <ThreadMessage
              senderId={reply.senderId}
              content={reply.status === 'deleted' ? '' : reply.content}
              me={me}
            />
          </li>
        ))}
      </ol>
      {thread.error && <ErrorNote error={thread.error} />}
      <form className="thread-composer" aria-label="Reply in thread" onSubmit={submit}>
        <textarea
          aria-label="Reply"
          rows={2}
          value={text}
          placeholder="Reply…"
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <label className="also">
          <input
            type="checkbox"
            checked={alsoInConversation}
            onChange={(event) => setAlso(event.target.checked)}
          />
          Also send to conversation
        </label>
        <button type="submit" className="primary" disabled={text.trim() === ''}>
          Reply
        </button>
      </form>
    </aside>
  );
}

function ThreadMessage(props: { senderId: string | null; content: string; me: string; parent?: boolean }) {
  const sender = useDisplayName(props.senderId);
  return (
    <div className={props.parent ? 'thread-message parent' : 'thread-message'}>
      <span className="sender">{sender}</span>
      <span className="text">{props.content || <em>Message deleted</em>}</span>
    </div>
  );
}
