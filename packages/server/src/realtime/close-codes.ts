/**
 * WebSocket close codes the gateway uses. 1xxx are the protocol's own; 4xxx are ours (the range
 * RFC 6455 leaves to applications), mirroring HTTP statuses where one fits.
 */
export const CloseCode = {
  /** The server is shutting down (or restarting): reconnect, elsewhere if need be, and resume. */
  goingAway: 1001,
  /** A frame over `limits.wsFrameBytes`; sent by `ws` itself when it enforces `maxPayload`. */
  messageTooBig: 1009,
  /**
   * Try Again Later (RFC 6455 registry): sent right after the upgrade while the server cannot
   * deliver events (its broker, Redis, is down). Reconnect with the usual backoff. A close code
   * rather than an HTTP 503 on the upgrade because browsers do not tell a page why an upgrade
   * failed, but they do give it the close code and reason.
   */
  tryAgainLater: 1013,
  /** The connection did not keep up: its send buffer passed `realtime.maxBufferedBytes`. Resume. */
  slowConsumer: 4008,
  /**
   * The account was deleted (`DELETE /v1/users/me`, on any process): sign out, do not reconnect.
   * Sent right after the `account.deleted` event. Mirrors HTTP 410 Gone.
   */
  accountDeleted: 4410,
  /** No valid `auth` frame in time, a bad or expired token, or a non-`auth` first frame. */
  unauthorized: 4401,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
