/**
 * Assistant replies being generated in this process: their content so far, who follows them,
 * and how to stop them.
 *
 * Stop and disconnect are different things: `stop()` aborts at once (a deliberate stop), while
 * a reply whose last follower went away keeps generating for a short grace period so that a
 * reloaded page can re-attach (`GET …/stream?part=&offset=`); if nobody does, it is aborted and its
 * partial content stored as `aborted`.
 */
import type { ChatStreamEvent, MessagePart } from '@chatwire/sdk/contracts';

/** A follower of a reply; a returned promise (an SSE write waiting for `drain`) holds the generation back. */
export type ReplyListener = (event: ChatStreamEvent) => void | Promise<void>;

export interface ActiveReply {
  readonly messageId: string;
  readonly conversationId: string;
  readonly controller: AbortController;
  /**
   * The parts so far, as followers have been told (each part's text channel included). Changed
   * only by the turn (`reply-parts.ts`); a follower reads it and subscribes in one tick.
   */
  parts: MessagePart[];
  readonly listeners: Set<ReplyListener>;
  /** Called when the reply is dropped without `message.completed` ({@link abandon}). */
  readonly onAbandon: Set<() => void>;
  graceTimer: ReturnType<typeof setTimeout> | undefined;
}

export interface ActiveRepliesOptions {
  /** How long a reply nobody follows keeps generating, ms. Default 5,000. */
  disconnectGraceMs?: number;
}

export function createActiveReplies(options: ActiveRepliesOptions = {}) {
  const graceMs = options.disconnectGraceMs ?? 5_000;
  const replies = new Map<string, ActiveReply>();

  function release(reply: ActiveReply): void {
    if (reply.listeners.size > 0 || reply.graceTimer) return;
    if (graceMs <= 0) {
      reply.controller.abort();
      return;
    }
    reply.graceTimer = setTimeout(() => reply.controller.abort(), graceMs);
    reply.graceTimer.unref?.();
  }

  return {
    start(messageId: string, conversationId: string, controller: AbortController): ActiveReply {
      const reply: ActiveReply = {
        messageId,
        conversationId,
        controller,
        parts: [],
        listeners: new Set(),
        onAbandon: new Set(),
        graceTimer: undefined,
      };
      replies.set(messageId, reply);
      return reply;
    },
    get: (messageId: string) => replies.get(messageId),
    /**
     * Follows a reply; the returned function stops following (and may start the grace period).
     * `onAbandon` is called if the reply is dropped without ending ({@link abandon}).
     */
    follow(reply: ActiveReply, listener: ReplyListener, onAbandon?: () => void): () => void {
      reply.listeners.add(listener);
      if (onAbandon) reply.onAbandon.add(onAbandon);
      clearTimeout(reply.graceTimer);
      reply.graceTimer = undefined;
      return () => {
        if (onAbandon) reply.onAbandon.delete(onAbandon);
        if (!reply.listeners.delete(listener)) return;
        if (replies.has(reply.messageId)) release(reply);
      };
    },
    /**
     * Forgets a reply that never started (a retried send found the first attempt's reply; a
     * regenerate lost its race): nobody heard of it, so nobody is told.
     */
    discard(reply: ActiveReply): void {
      clearTimeout(reply.graceTimer);
      reply.graceTimer = undefined;
      reply.listeners.clear();
      reply.onAbandon.clear();
      if (replies.get(reply.messageId) === reply) replies.delete(reply.messageId);
    },
    /**
     * Forgets a reply that will never have a `message.completed` (it could not be stored): its
     * followers get `event` (an `error`), then their `onAbandon`.
     */
    abandon(reply: ActiveReply, event: ChatStreamEvent): void {
      clearTimeout(reply.graceTimer);
      reply.graceTimer = undefined;
      if (replies.get(reply.messageId) === reply) replies.delete(reply.messageId);
      for (const listener of reply.listeners) void listener(event);
      for (const onAbandon of reply.onAbandon) onAbandon();
    },
    /**
     * Tells every follower, and forgets the reply once the event ends it. Returns a promise only
     * when a follower asked to be waited for (its socket is backed up): a delta costs no extra
     * microtask turn otherwise.
     */
    emit(reply: ActiveReply, event: ChatStreamEvent): Promise<unknown> | undefined {
      if (event.type === 'message.completed') {
        clearTimeout(reply.graceTimer);
        if (replies.get(reply.messageId) === reply) replies.delete(reply.messageId);
      }
      // No array per event unless two followers are backed up at once (this runs per delta).
      let waitFor: Promise<void> | undefined;
      let waitForAll: Promise<void>[] | undefined;
      for (const listener of reply.listeners) {
        const result = listener(event);
        if (!result) continue;
        if (!waitFor) waitFor = result;
        else {
          waitForAll ??= [waitFor];
          waitForAll.push(result);
        }
      }
      return waitForAll ? Promise.all(waitForAll) : waitFor;
    },
    /** Stops every running reply (shutdown): each is stored as `aborted`. */
    stopAll(): void {
      for (const reply of replies.values()) reply.controller.abort();
    },
    get size() {
      return replies.size;
    },
  };
}

export type ActiveReplies = ReturnType<typeof createActiveReplies>;
