/**
 * One conversation's chat: its history, sending with optimistic messages, and — with an assistant —
 * the streaming reply. The shape follows the Vercel AI SDK's `useChat`.
 */
import {
  type ChatMessage,
  type ClientTools,
  type Conversation,
  emptyMessageList,
  idleTurn,
  pendingToolCalls,
  type SendOptions,
  type ToolApprovalAnswer,
  type ToolPart,
  type ToolResultAnswer,
  type TurnStatus,
} from '@chatwire/sdk';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** Options of {@link useChat}. The callbacks may change on every render: the latest is called. */
export interface UseChatOptions {
  /** Mark the conversation read while it is shown and new messages arrive. Default `true`. */
  autoMarkRead?: boolean;
  /** An assistant reply ended (`complete` or `aborted`). */
  onFinish?: (reply: ChatMessage) => void;
  /** The turn failed (a send, the stream, the model). */
  onError?: (error: Error) => void;
  /**
   * Tools this client runs in this chat's replies, besides the provider's (`options.tools`) and the
   * client's: declared with every send, run (`execute`) when a reply calls them. One without
   * `execute` shows in `pendingToolCalls` until you answer it with `addToolResult`. May change on
   * every render: the latest is used. They run only for replies this hook's client makes go on
   * (its send, regeneration or answer): see {@link useChat}.
   */
  tools?: ClientTools;
}

/** A tool call a reply of the chat waits for, and that reply. */
export interface PendingToolCall {
  /** The reply that made the call. */
  messageId: string;
  toolCall: ToolPart;
}

/** What the chat's replies wait for. */
export interface ChatPendingToolCalls {
  /** Calls of client tools: answer with `addToolResult`. */
  toolResults: readonly PendingToolCall[];
  /** Calls of server tools waiting for a person: answer with `approveToolCall`. */
  approvals: readonly PendingToolCall[];
}

/** What {@link useChat} returns. */
export interface UseChatResult {
  conversation: Conversation | undefined;
  /** Oldest first: stored messages, then own messages still `sending` or `failed` (see `delivery`). */
  messages: readonly ChatMessage[];
  /**
   * `submitted` → `streaming` → `ready` per assistant turn; `awaiting_input` while the reply waits
   * for a tool result or an approval (`pendingToolCalls`); `error` when it failed. Always `ready`
   * in human chats.
   */
  status: TurnStatus;
  /**
   * The tool calls the chat's replies wait for someone to answer, from their parts. A call this
   * client is running itself right now (a tool with `execute`, in the stream that runs it) is not
   * listed: its answer comes by itself.
   */
  pendingToolCalls: ChatPendingToolCalls;
  /** Why the turn or the history load failed. */
  error: Error | null;
  /** The newest page of history is loading. */
  isLoading: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Loads the page before the oldest message shown. */
  loadOlder(): Promise<void>;
  /**
   * Sends `content`: shown at once as `sending`, then `sent` or `failed`. Never rejects. It attaches
   * the files added with `useUploads(id).add` and `options.files` (a `FileList`, `File`s), waiting
   * for their uploads: `content` may then be `''`. A failed upload fails the message; `retry` it.
   */
  send(content: string, options?: SendOptions): Promise<void>;
  /**
   * Answers a call of a client tool (`pendingToolCalls.toolResults`): its `output`, or the
   * `errorText` of its failure. Shown at once; the reply streams on once nothing else is awaited.
   * Never rejects: a refusal (already answered) is the turn's `error`.
   */
  addToolResult(result: ToolResultAnswer): Promise<void>;
  /** Approves or denies a call waiting for approval (`pendingToolCalls.approvals`); then as `addToolResult`. */
  approveToolCall(approval: ToolApprovalAnswer): Promise<void>;
  /**
   * Runs this client's tools (those with `execute`) for the calls the last waiting reply (or
   * `messageId`) waits for, here, and the reply streams on. For a reply found waiting that no
   * stream of this client runs (its tab was closed or reloaded): a follower never runs a tool by
   * itself, so that no call runs twice. Never rejects.
   */
  runClientTools(messageId?: string): Promise<void>;
  /** Sends a `failed` message again (by its `key`); the server stores it once. */
  retry(key: string): Promise<void>;
  /** Stops the reply being generated (or ends its wait for a tool result or an approval); the partial reply stays, as `aborted`. */
  stop(): Promise<void>;
  /** Generates the last assistant reply (or `messageId`) again, streaming (the hook's `tools` run in it). */
  regenerate(options?: { messageId?: string; model?: string }): Promise<void>;
  /**
   * Reacts to the message `messageId` with `emoji`, or takes the reaction back when it is already
   * yours: its `reactions` change at once, and go back if the server refuses. Never rejects.
   *
   * @example
   * ```tsx
   * <button onClick={() => toggleReaction(message.id, '👍')}>👍</button>
   * ```
   */
  toggleReaction(messageId: string, emoji: string): Promise<void>;
  /** Marks the newest message read. */
  markRead(): void;
}

/**
 * The chat of `conversationId`. History loads on mount (the newest page; `loadOlder` for more);
 * new messages arrive live; in an assistant conversation `send` streams the reply into `messages`,
 * re-rendering at most every `throttleMs` (provider option, default 50 ms). A reply still being
 * generated when the page loads (a reload mid-reply) is picked up where it is.
 *
 * Given another id, it shows that conversation at once — nothing of the previous one — while a
 * reply streaming in the previous one keeps going there. Two components with the same id share
 * one state.
 *
 * Each message has its `parts` (text, reasoning, tool calls with their state, …). Tools of this
 * client with `execute` run by themselves; a call waiting for the user (a tool without `execute`,
 * a server tool needing approval) shows in `pendingToolCalls`, answered by `addToolResult` or
 * `approveToolCall`.
 *
 * A tool's `execute` runs in exactly one client for each call: the one whose send, `regenerate`
 * or answer (`addToolResult`, `approveToolCall`) made the reply go on. A tab that only watches a
 * reply another tab drives (it opened mid-reply) runs none of its tools: a call it sees waiting is
 * in its `pendingToolCalls`, for the user to answer by hand (the first answer wins; a later one is
 * the turn's `ConflictError`). The calls this client is running itself are never listed there.
 *
 * @example
 * ```tsx
 * function Chat({ id }: { id: string }) {
 *   const { messages, status, send, stop, regenerate, retry } = useChat(id);
 *   return (
 *     <>
 *       {messages.map((m) => (
 *         <p key={m.key}>
 *           {m.content}
 *           {m.delivery === 'failed' && <button onClick={() => retry(m.key)}>Retry</button>}
 *         </p>
 *       ))}
 *       {status === 'streaming' ? <button onClick={stop}>Stop</button> : <button onClick={() => regenerate()}>Again</button>}
 *       <form onSubmit={(e) => { e.preventDefault(); send(e.currentTarget.text.value); }}><input name="text" /></form>
 *     </>
 *   );
 * }
 * ```
 *
 * @example
 * Tools: one the browser runs, one the user answers, and approvals.
 * ```tsx
 * const tools = {
 *   get_time_zone: clientTool({ description: "The user's time zone", inputSchema: z.object({}),
 *     execute: () => Intl.DateTimeFormat().resolvedOptions().timeZone }),
 *   ask_user: clientTool({ description: 'Ask the user a question', inputSchema: z.object({ question: z.string() }) }),
 * };
 * function Chat({ id }: { id: string }) {
 *   const { messages, pendingToolCalls, addToolResult, approveToolCall } = useChat(id, { tools });
 *   const [asked] = pendingToolCalls.toolResults;
 *   const [approval] = pendingToolCalls.approvals;
 *   return (
 *     <>
 *       {messages.map((m) => m.parts.map((part, i) => <Part key={`${m.key}-${i}`} part={part} />))}
 *       {asked && <Answer question={asked.toolCall.input} onAnswer={(output) => addToolResult({ toolCallId: asked.toolCall.toolCallId, output })} />}
 *       {approval && (
 *         <button onClick={() => approveToolCall({ toolCallId: approval.toolCall.toolCallId, approved: true })}>
 *           Allow {approval.toolCall.toolName}
 *         </button>
 *       )}
 *     </>
 *   );
 * }
 * ```
 */
export function useChat(
  conversationId: string | null | undefined,
  options: UseChatOptions = {},
): UseChatResult {
  const store = useChatStore();
  const id = conversationId ?? null;
  const signedIn = useChatState((state) => state.auth.status === 'signed-in');
  const conversation = useChatState((state) => (id ? state.conversations[id] : undefined));
  const list = useChatState((state) => (id && state.messages[id]) || emptyMessageList);
  const turn = useChatState((state) => (id && state.turns[id]) || idleTurn);

  // The latest callbacks, so that the effects below never call stale ones.
  const callbacks = useRef(options);
  useEffect(() => {
    callbacks.current = options;
  });

  useEffect(() => {
    if (id && signedIn) void store.loadMessages(id);
  }, [store, id, signedIn]);

  const autoMarkRead = options.autoMarkRead ?? true;
  const newest = list.items.findLast((m) => m.delivery === 'sent' && m.status !== 'streaming')?.id;
  useEffect(() => {
    if (autoMarkRead && id && signedIn && newest) store.markRead(id);
  }, [store, id, signedIn, newest, autoMarkRead]);

  // Turn transitions of this conversation only: switching ids is not a finished reply.
  const previous = useRef({ id, turn });
  useEffect(() => {
    const before = previous.current;
    previous.current = { id, turn };
    if (before.id !== id || before.turn === turn) return;
    const { onFinish, onError } = callbacks.current;
    const wasBusy = before.turn.status === 'submitted' || before.turn.status === 'streaming';
    if (turn.status === 'ready' && wasBusy && turn.replyId) {
      const reply = list.items.find((m) => m.id === turn.replyId);
      if (reply) onFinish?.(reply);
    } else if (turn.status === 'error' && before.turn.status !== 'error' && turn.error) onError?.(turn.error);
  }, [id, turn, list.items]);

  const running = useChatState((state) => (id && state.runningToolCalls[id]) || noCalls);
  const pending = useMemo(() => pendingIn(list.items, running), [list.items, running]);

  return {
    conversation,
    messages: list.items,
    status: turn.status,
    pendingToolCalls: pending,
    error: turn.error ?? list.error,
    isLoading: id !== null && (list.status === 'idle' || list.status === 'loading'),
    hasOlder: list.hasOlder,
    loadingOlder: list.loadingOlder,
    loadOlder: useCallback(async () => {
      if (id) await store.loadOlder(id);
    }, [store, id]),
    send: useCallback(
      async (content: string, sendOptions?: SendOptions) => {
        const tools = toolsOf(callbacks.current.tools, sendOptions?.tools);
        if (id) await store.send(id, content, { ...sendOptions, tools });
      },
      [store, id],
    ),
    addToolResult: useCallback(
      async (result: ToolResultAnswer) => {
        if (id) await store.addToolResult(id, result, { tools: callbacks.current.tools });
      },
      [store, id],
    ),
    approveToolCall: useCallback(
      async (approval: ToolApprovalAnswer) => {
        if (id) await store.approveToolCall(id, approval, { tools: callbacks.current.tools });
      },
      [store, id],
    ),
    runClientTools: useCallback(
      async (messageId?: string) => {
        if (id)
          await store.runClientTools(id, { ...(messageId && { messageId }), tools: callbacks.current.tools });
      },
      [store, id],
    ),
    retry: useCallback(
      async (key: string) => {
        if (id) await store.retry(id, key);
      },
      [store, id],
    ),
    stop: useCallback(async () => {
      if (id) await store.stop(id);
    }, [store, id]),
    regenerate: useCallback(
      async (regenerateOptions?: { messageId?: string; model?: string }) => {
        if (id) await store.regenerate(id, { ...regenerateOptions, tools: callbacks.current.tools });
      },
      [store, id],
    ),
    toggleReaction: useCallback(
      async (messageId: string, emoji: string) => {
        if (id) await store.toggleReaction(id, messageId, emoji);
      },
      [store, id],
    ),
    markRead: useCallback(() => {
      if (id) store.markRead(id);
    }, [store, id]),
  };
}

const noCalls: readonly string[] = [];

/** What the messages' replies wait for, but the calls this client `running` answers by itself. */
function pendingIn(messages: readonly ChatMessage[], running: readonly string[]): ChatPendingToolCalls {
  const toolResults: PendingToolCall[] = [];
  const approvals: PendingToolCall[] = [];
  for (const message of messages) {
    const pending = pendingToolCalls(message);
    for (const toolCall of pending.toolResults)
      if (!running.includes(toolCall.toolCallId)) toolResults.push({ messageId: message.id, toolCall });
    for (const toolCall of pending.approvals) approvals.push({ messageId: message.id, toolCall });
  }
  // One value for "nothing waits": the common case keeps its identity across renders.
  return toolResults.length === 0 && approvals.length === 0 ? nothingPending : { toolResults, approvals };
}

const nothingPending: ChatPendingToolCalls = { toolResults: [], approvals: [] };

/** The hook's tools and a send's, together. */
const toolsOf = (hook: ClientTools | undefined, send: ClientTools | undefined) =>
  hook && send ? { ...hook, ...send } : (send ?? hook);
