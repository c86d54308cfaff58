/**
 * The rule on what a message may contain that its schema cannot check: the byte size the server
 * is configured for (`limits.messageBytes`). Sends over REST and the WebSocket, and edits, all
 * apply it here.
 */
import { Invalid } from './errors.js';

/** Throws `Invalid` at `content` when it is over `maxBytes` UTF-8 bytes. */
export function requireContentWithin(content: string, maxBytes: number): void {
  if (Buffer.byteLength(content, 'utf8') > maxBytes) {
    throw new Invalid(`Message content is over ${maxBytes} bytes`, [
      { path: ['content'], message: `At most ${maxBytes} bytes (UTF-8)` },
    ]);
  }
}
