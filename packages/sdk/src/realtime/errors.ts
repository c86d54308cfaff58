/**
 * The error of the real-time connection: a server `error` frame, a frame we could not read, or
 * the end of the connection. Branch on `code`.
 */
import { ChatwireError } from '../client/errors.js';
import type { ErrorCode, ErrorDetail } from '../contracts/errors.js';

/**
 * A server error code, or: `malformed_frame` (a frame that is not a valid `ServerFrame`; it was
 * ignored), `closed` (the connection ended before the server answered, or gave up reconnecting).
 * `payload_too_large` is also the client's own: a send whose frame is over the server's limit,
 * refused before it was sent (or after the server closed the socket on it, 1009).
 */
export type RealtimeErrorCode = ErrorCode | 'malformed_frame' | 'closed';

/** An error of the real-time connection, e.g. a rejected `send` or an `error` frame. */
export class RealtimeError extends ChatwireError {
  static override readonly kind: string = 'RealtimeError';
  /** What went wrong, to branch on. */
  readonly code: RealtimeErrorCode;
  /** What the error is about: the `clientMessageId` of a send, for a server error frame. */
  readonly ref: string | undefined;
  /**
   * For `validation_failed`: each problem with the frame, its path in the frame (`["content"]`) —
   * the same problems a REST send reports under `body`.
   */
  readonly details: readonly ErrorDetail[];

  constructor(code: RealtimeErrorCode, message: string, ref?: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.code = code;
    this.ref = ref;
    this.details = details;
  }
}
