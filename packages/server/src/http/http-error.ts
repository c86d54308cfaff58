/**
 * The error every layer throws to answer with the one error envelope.
 */
import { type ChatStreamEvent, type ErrorCode, type ErrorDetail, errorStatus } from '@chatwire/sdk/contracts';

export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      details?: ErrorDetail[];
      retryAfterSeconds?: number;
      headers?: Record<string, string>;
      /**
       * The status when it is not the code's own: only for refusals the contract has no code for
       * (414 URI Too Long), which answer the closest code (`bad_request`) with their true status.
       */
      status?: number;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = extra.status ?? errorStatus[code];
  }
}

/** 404 for a conversation that does not exist *or* that the caller is not in: never reveal which. */
export const conversationNotFound = () => new HttpError('not_found', 'Conversation not found');
export const messageNotFound = () => new HttpError('not_found', 'Message not found');

/**
 * A failure as the `error` event of a stream whose headers are already sent: an HttpError as it
 * is, anything else as `internal` (its details belong in the log, not the stream).
 */
export function streamErrorEvent(error: unknown): Extract<ChatStreamEvent, { type: 'error' }> {
  return error instanceof HttpError
    ? { type: 'error', error: { code: error.code, message: error.message } }
    : { type: 'error', error: { code: 'internal', message: 'Something went wrong on our side' } };
}
