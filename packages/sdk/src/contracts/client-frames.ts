/**
 * What a client sends over `GET /v1/realtime`. A module of its own: the server validates these
 * (with the REST send's input schema inside), while a client only needs their type — importing
 * the schemas with the server's frames would carry every input schema into a browser bundle.
 */
import * as z from 'zod/mini';
import { Seq } from './events.js';
import { alsoOnlyWithParent, ClientMessageId, SendMessageFields, saysSomething } from './inputs.js';
import { Id } from './primitives.js';

/** Frames a client sends over `GET /v1/realtime`. The first must be `auth`. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('auth'),
    token: z.string().check(z.maxLength(4096)),
    resumeFrom: z.optional(Seq),
  }),
  // The REST send's own input schema, so both transports accept and refuse the same sends; over
  // the socket the `clientMessageId` is required (it is how the `ack` or `error` finds the send).
  z
    .extend(SendMessageFields, {
      type: z.literal('message.send'),
      conversationId: Id,
      clientMessageId: ClientMessageId,
    })
    .check(saysSomething, alsoOnlyWithParent),
  z.object({ type: z.literal('typing'), conversationId: Id, state: z.enum(['start', 'stop']) }),
  z.object({ type: z.literal('read'), conversationId: Id, messageId: Id }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
