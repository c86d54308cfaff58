/**
 * The real-time connection: one socket at a time, authenticated with a fresh access token,
 * re-opened with backoff when it drops, resumed from the last seq seen, with a heartbeat that
 * notices a dead socket the browser would not report for minutes. Here its public face and the
 * sends; the sockets' life is in `socket-lifecycle.ts`, the server's frames in `server-frames.ts`.
 */
import type { AuthSession } from '../client/auth-session.js';
import { newClientMessageId } from '../internal/foundation.js';
import { createConnectionState, write, writeData } from './connection-state.js';
import { RealtimeError } from './errors.js';
import { overLimit } from './frame-limit.js';
import { encodeSend } from './outbox.js';
import { connect, shutdown } from './socket-lifecycle.js';
import type { RealtimeConnection, RealtimeOptions } from './types.js';

/** What the connection needs from the client. */
export interface RealtimeDeps {
  baseUrl: string;
  session: AuthSession;
}

/** Opens a real-time connection; `client.realtime()` is the public way to call this. */
export function createRealtimeConnection(
  deps: RealtimeDeps,
  options: RealtimeOptions = {},
): RealtimeConnection {
  const state = createConnectionState(deps, options);
  const { emitter, seqs, outbox } = state;
  state.stopWatchingSession = deps.session.onChange((change) => {
    // Signed out here (or in another tab): this user's events must stop reaching the page.
    if (change.type === 'signed-out') {
      shutdown(
        state,
        change.reason === 'logout'
          ? undefined
          : new RealtimeError('unauthorized', 'The session expired (the refresh was refused): sign in again'),
      );
    }
  });
  connect(state);

  return {
    get status() {
      return state.status;
    },
    get lastSeq() {
      return seqs.last;
    },
    on: emitter.on,
    send(input) {
      if (state.closed) {
        return Promise.reject(
          new RealtimeError('closed', 'This connection is closed: open another with realtime()'),
        );
      }
      const clientMessageId = input.clientMessageId ?? newClientMessageId();
      const waiting = outbox.get(clientMessageId);
      if (waiting) return waiting;
      const send = encodeSend({
        type: 'message.send',
        conversationId: input.conversationId,
        content: input.content ?? '',
        clientMessageId,
        ...(input.attachments && { attachments: input.attachments }),
        ...(input.model !== undefined && { model: input.model }),
      });
      // Over the limit, the server would close the socket on it (1009): refused here, never queued.
      if (send.bytes > state.frameLimit) return Promise.reject(overLimit(send, state.frameLimit));
      const promise = outbox.add(send);
      writeData(state, send.data);
      return promise;
    },
    typing(conversationId, typingState) {
      write(state, { type: 'typing', conversationId, state: typingState });
    },
    markRead(conversationId, messageId) {
      if (state.authed) write(state, { type: 'read', conversationId, messageId });
      else if (!state.closed) state.reads.set(conversationId, messageId);
    },
    close: () => shutdown(state),
  };
}
