/**
 * The server's frame limit: the largest frame it takes (`ready.maxFrameBytes`, UTF-8 bytes); it
 * closes the socket (1009) on a bigger one. A send over it must fail on its own — sent, it would
 * close every socket it is re-sent on, and every send queued behind it would wait forever.
 */
import { RealtimeError } from './errors.js';
import type { EncodedSend } from './outbox.js';

/** The reference server's limit (64 KiB): what `RealtimeOptions.maxFrameBytes` defaults to. */
export const defaultMaxFrameBytes = 65_536;

/** The close code of a frame over the server's limit (`ws` sends it when it enforces `maxPayload`). */
export const messageTooBigCode = 1009;

/** The error of a send whose frame is over `limit`: it is not sent. */
export const overLimit = (send: EncodedSend, limit: number): RealtimeError =>
  tooLarge(send, `Not sent: the server takes frames of at most ${limit} bytes`);

/**
 * The send to fail on a 1009 close after `ready`. The server refused a frame over its limit
 * although it passed ours (the limit changed since `ready`, a proxy in front has a smaller one).
 * After `ready` every waiting send has been written on that socket (flushed at `ready`, or written
 * at once), and the refused frame is one of them: the other frames we write (auth, typing, read,
 * ping) are small. The largest waiting send is at least as large as the refused frame, so the
 * server cannot take it either: it fails, and the others are sent again after the reconnect. Of
 * equal ones the oldest, written first, which the server refused first. Each 1009 fails one send,
 * so a connection cannot loop on them. (Before `ready` only `auth` went out: a 1009 then is an
 * ordinary drop, and the caller fails nothing.)
 */
export const blameForTooBig = (waiting: readonly EncodedSend[]): EncodedSend | undefined =>
  [...waiting].sort((a, b) => b.bytes - a.bytes)[0];

/** The error of the send {@link blameForTooBig} chose: it is not sent again. */
export const refusedByServer = (send: EncodedSend): RealtimeError =>
  tooLarge(
    send,
    'Not sent again: the server closed the connection on a frame over its limit (1009), the largest waiting',
  );

const tooLarge = (send: EncodedSend, why: string) =>
  new RealtimeError(
    'payload_too_large',
    `${why}; this message is ${send.bytes} bytes as a frame (UTF-8 JSON): shorten it`,
    send.clientMessageId,
  );
