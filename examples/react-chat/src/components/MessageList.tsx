import type { PendingToolCall, UseChatResult } from '@chatwire/react';
import { type ChatMessage, type FilePart, pendingToolCalls } from '@chatwire/sdk';
import { useLayoutEffect, useRef, useState } from 'react';
import { runsInBrowser } from '../browser-tools';
import { useDisplayName } from '../people';
import { MessageFiles } from './files/MessageFiles';
import { MentionText } from './MentionText';
import { PinButton } from './PinnedBar';
import { Reactions } from './Reactions';
import { ReplyParts } from './reply/ReplyParts';
import { SeenBy } from './SeenBy';
import { MessageActions, QuoteBlock, ThreadLink } from './ThreadBits';

interface MessageListProps {
  chat: UseChatResult;
  me: string;
  showSenders: boolean;
  /** People react to each other's messages; a chat with only an assistant in it takes none. */
  reactions: boolean;
  /** The conversation, in a chat between people: "Seen by" under my last message. */
  receiptsIn?: string | undefined;
  /** Threads and quotes, where people talk (absent: none). */
  threads?: { open(parentId: string): void; quote(message: ChatMessage): void } | undefined;
  /** Pins or unpins a message; absent when the viewer may not pin here. */
  onPin?: ((message: ChatMessage) => void) | undefined;
}

/** The history, oldest first, kept scrolled to the newest message unless the reader scrolled up. */
export function MessageList({
  chat,
  me,
  showSenders,
  reactions,
  receiptsIn,
  threads,
  onPin,
}: MessageListProps) {
  const lastMine = chat.messages.findLast(
    (m) => m.role === 'user' && m.senderId === me && m.delivery === 'sent',
  )?.id;
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    if (pinned.current && list.current) list.current.scrollTop = list.current.scrollHeight;
  });

  return (
    <ol
      ref={list}
      className="messages"
      aria-label="Messages"
      onScroll={(event) => {
        const { scrollHeight, scrollTop, clientHeight } = event.currentTarget;
        pinned.current = scrollHeight - scrollTop - clientHeight < 40;
      }}
    >
      {chat.hasOlder && (
        <li className="older">
          <button
            type="button"
            className="link"
            disabled={chat.loadingOlder}
            onClick={() => void chat.loadOlder()}
          >
            {chat.loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        </li>
      )}
      {chat.isLoading && <li className="muted">Loading…</li>}
      {!chat.isLoading && chat.messages.length === 0 && (
        <li className="muted">No messages yet. Say hello!</li>
      )}
      {chat.messages.map((message) => (
        <MessageItem
          key={message.key}
          message={message}
          me={me}
          mine={message.role === 'user' && message.senderId === me}
          showSender={showSenders}
          onRetry={() => void chat.retry(message.key)}
          onApprove={(toolCallId, approved) => chat.approveToolCall({ toolCallId, approved })}
          unrun={chat.pendingToolCalls.toolResults.filter(
            (pending) => pending.messageId === message.id && runsInBrowser(pending.toolCall.toolName),
          )}
          onRunHere={() => chat.runClientTools(message.id)}
          {...(reactions && { onReact: (emoji: string) => void chat.toggleReaction(message.id, emoji) })}
          {...(receiptsIn && message.id === lastMine && { seenIn: receiptsIn })}
          threads={threads}
          {...(onPin && { onPin: () => onPin(message) })}
        />
      ))}
    </ol>
  );
}

interface MessageItemProps {
  message: ChatMessage;
  me: string;
  mine: boolean;
  showSender: boolean;
  onRetry(): void;
  onApprove(toolCallId: string, approved: boolean): Promise<void>;
  /** Calls of this browser's tools the reply waits for that no stream here runs (after a reload). */
  unrun: readonly PendingToolCall[];
  onRunHere(): Promise<void>;
  /** Absent: the message shows no reactions. */
  onReact?: (emoji: string) => void;
  /** Set on my last message: who has seen it, in this conversation. */
  seenIn?: string;
  threads?: MessageListProps['threads'];
  /** Absent: no pin toggle (an assistant chat, or a role that may not pin). */
  onPin?: () => void;
}

function MessageItem(props: MessageItemProps) {
  const {
    message,
    me,
    mine,
    showSender,
    onRetry,
    onApprove,
    unrun,
    onRunHere,
    onReact,
    seenIn,
    threads,
    onPin,
  } = props;
  const sender = useDisplayName(message.senderId);
  const assistant = message.role === 'assistant' && message.status !== 'deleted';
  // Beside "Reply in thread" and "Quote" where those are, else on its own (an assistant's reply).
  const pin = onPin && message.delivery === 'sent' && message.status !== 'deleted' && (
    <PinButton pinned={message.pinnedAt !== null} onToggle={onPin} />
  );
  return (
    <li
      className={`message ${mine ? 'mine' : message.role}`}
      data-status={message.status}
      data-delivery={message.delivery}
    >
      {showSender && !mine && (
        <span className="sender">
          {message.role === 'assistant' ? (message.model ?? 'Assistant') : sender}
        </span>
      )}
      {/* People's messages are plain text and files; an assistant's reply is made of parts. */}
      <div className="bubble">
        {message.status === 'deleted' ? (
          <em>Message deleted</em>
        ) : assistant ? (
          <ReplyParts reply={message} onApprove={onApprove} />
        ) : (
          <>
            {message.quoted && <QuoteBlock quoted={message.quoted} />}
            {message.content && <MentionText content={message.content} mentions={message.mentions} />}
            <MessageFiles
              files={message.parts.filter((part): part is FilePart => part.type === 'file')}
              uploads={message.uploads}
            />
          </>
        )}
      </div>
      {unrun.length > 0 ? (
        <RunHere calls={unrun} onRun={onRunHere} />
      ) : (
        <MessageNote message={message} onRetry={onRetry} />
      )}
      {/* People's messages take reactions once stored (one still sending has no id to react to). */}
      {onReact && message.role === 'user' && message.delivery === 'sent' && message.status !== 'deleted' && (
        <Reactions reactions={message.reactions} me={me} onToggle={onReact} />
      )}
      {seenIn && <SeenBy conversationId={seenIn} messageId={message.id} />}
      {threads && message.thread && message.thread.replyCount > 0 && !message.parentId && (
        <ThreadLink thread={message.thread} onOpen={() => threads.open(message.id)} />
      )}
      {threads && message.role === 'user' ? (
        <MessageActions
          message={message}
          onReplyInThread={message.parentId ? undefined : () => threads.open(message.id)}
          onQuote={() => threads.quote(message)}
        >
          {pin}
        </MessageActions>
      ) : (
        pin
      )}
    </li>
  );
}

/**
 * A reply waits for a tool of this browser that nothing here runs (the tab that sent it was
 * reloaded or closed): the SDK never runs a call twice by itself, so the user says when.
 */
function RunHere({ calls, onRun }: { calls: readonly PendingToolCall[]; onRun(): Promise<void> }) {
  const [running, setRunning] = useState(false);
  const names = [...new Set(calls.map((call) => call.toolCall.toolName))].join(', ');
  return (
    <small className="note">
      Waiting for {names}, which runs in your browser.{' '}
      <button
        type="button"
        className="link"
        disabled={running}
        onClick={() => {
          setRunning(true);
          void onRun().finally(() => setRunning(false));
        }}
      >
        {running ? 'Running…' : 'Run it here'}
      </button>
    </small>
  );
}

function MessageNote({ message, onRetry }: { message: ChatMessage; onRetry(): void }) {
  if (message.delivery === 'sending') {
    const uploading = message.uploads?.some((upload) => upload.status === 'uploading');
    return <small className="note">{uploading ? 'Uploading…' : 'Sending…'}</small>;
  }
  if (message.delivery === 'failed') {
    return (
      <small className="note failed">
        Not sent{message.error ? `: ${message.error.message}` : ''}.{' '}
        <button type="button" className="link" onClick={onRetry}>
          Retry
        </button>
      </small>
    );
  }
  if (message.status === 'aborted') return <small className="note">Stopped</small>;
  if (message.status === 'awaiting_input') return <small className="note">{waitingFor(message)}</small>;
  if (message.status === 'error') return <small className="note failed">The reply failed part-way.</small>;
  // Why a reply ended, when it did not simply finish.
  if (message.finishReason === 'length') {
    return <small className="note">Cut off: the model reached its length limit.</small>;
  }
  if (message.finishReason === 'content_filter') {
    return <small className="note failed">The provider withheld the rest of this reply.</small>;
  }
  if (message.stale) return <small className="note">Answers an earlier version of the message above.</small>;
  if (message.editedAt) return <small className="note">Edited</small>;
  return null;
}

/** What a reply `awaiting_input` waits for, in words. */
function waitingFor(message: ChatMessage): string {
  const { approvals, toolResults } = pendingToolCalls(message);
  const names = (calls: typeof approvals) => [...new Set(calls.map((call) => call.toolName))].join(', ');
  if (approvals.length > 0) return `Waiting for your approval: ${names(approvals)}.`;
  const here = toolResults.filter((call) => runsInBrowser(call.toolName));
  if (here.length > 0) return `Running ${names(here)} in your browser…`;
  return `Waiting for the result of ${names(toolResults)}.`;
}
