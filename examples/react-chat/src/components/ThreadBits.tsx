/**
 * The small pieces threads and quotes add to a message: its quoted block, the "3 replies · last
 * 2 min ago" link that opens its thread, and the "Reply in thread" / "Quote" actions.
 */
import type { ChatMessage, QuotedMessage, ThreadSummary } from '@chatwire/sdk';
import type { ReactNode } from 'react';
import { useDisplayName } from '../people';

/**
 * The quoted message as it was when quoted (or that it was deleted since); with `onRemove`, the
 * quote waiting above the composer, which can be taken off.
 */
export function QuoteBlock({
  quoted,
  onRemove,
}: {
  quoted: Pick<QuotedMessage, 'senderId' | 'content' | 'deleted'>;
  onRemove?: () => void;
}) {
  const sender = useDisplayName(quoted.senderId);
  const block = (
    <blockquote className="quote" aria-label={`Quote of ${sender}`}>
      <span className="quote-sender">{sender}</span>
      {quoted.deleted ? <em>Message deleted</em> : <span className="quote-text">{quoted.content}</span>}
    </blockquote>
  );
  if (!onRemove) return block;
  return (
    <div className="quoting">
      {block}
      <button type="button" className="link" aria-label="Remove quote" onClick={onRemove}>
        ✕
      </button>
    </div>
  );
}

/** "1 minute ago"-style, for "last reply 2 min ago". */
function ago(timestamp: string, now = Date.now()): string {
  const minutes = Math.floor((now - Date.parse(timestamp)) / 60_000);
  if (minutes < 1) return 'a moment ago';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 24 ? `${hours} h ago` : new Date(timestamp).toLocaleDateString();
}

/** The parent's summary, opening its thread. */
export function ThreadLink({ thread, onOpen }: { thread: ThreadSummary; onOpen(): void }) {
  const replies = `${thread.replyCount} ${thread.replyCount === 1 ? 'reply' : 'replies'}`;
  return (
    <button type="button" className="link thread-link" onClick={onOpen}>
      {replies} · last {ago(thread.lastReplyAt)}
    </button>
  );
}

/** What one can do with a stored message of people: reply in its thread, quote it. */
export function MessageActions({
  message,
  onReplyInThread,
  onQuote,
  children,
}: {
  message: ChatMessage;
  onReplyInThread?: (() => void) | undefined;
  onQuote?: (() => void) | undefined;
  /** More actions in the same row (Pin). */
  children?: ReactNode;
}) {
  if (message.delivery !== 'sent' || message.status === 'deleted') return null;
  return (
    <span className="message-actions">
      {onReplyInThread && (
        <button type="button" className="link" onClick={onReplyInThread}>
          Reply in thread
        </button>
      )}
      {onQuote && (
        <button type="button" className="link" onClick={onQuote}>
          Quote
        </button>
      )}
      {children}
    </span>
  );
}
