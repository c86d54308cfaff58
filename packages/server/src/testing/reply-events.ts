/**
 * A reply as a client builds it from the events of a stream (SSE or WebSocket): `message.part`
 * puts a part at an index, `message.delta` appends to a part's text channel at its offset — what
 * tests assert on instead of the events' exact split.
 */
import type { MessagePart } from '@chatwire/sdk/contracts';
import { partText, textOf } from '@chatwire/sdk/contracts';

/** An event of a reply's stream, as `replyFromEvents` reads it (other events pass by). */
export type ReplyEvent = { type: string } & Partial<{
  index: number;
  part: MessagePart | number;
  offset: number;
  delta: string;
}>;

/**
 * The parts (and their text) that `events` add up to, for one reply. Throws on a delta that does
 * not start where its part's text ends: a gap or a duplicate, which a stream must never send.
 *
 * @example
 * ```ts
 * const { text, parts } = replyFromEvents(stream.events);
 * expect(text).toBe('Hello!');
 * ```
 */
export function replyFromEvents(events: readonly ReplyEvent[]): { parts: MessagePart[]; text: string } {
  const parts: MessagePart[] = [];
  for (const event of events) {
    if (event.type === 'message.part' && typeof event.index === 'number' && typeof event.part === 'object') {
      parts[event.index] = event.part;
    } else if (event.type === 'message.delta' && typeof event.part === 'number') {
      const part = parts[event.part];
      const text = part ? partText(part) : undefined;
      if (!part || text === undefined)
        throw new Error(`a delta for part ${event.part}, which the stream has not sent`);
      if (text.length !== event.offset)
        throw new Error(
          `a delta at offset ${event.offset} of part ${event.part}, whose text is ${text.length} long`,
        );
      const grown = text + (event.delta ?? '');
      parts[event.part] =
        part.type === 'tool' ? { ...part, inputText: grown } : ({ ...part, text: grown } as MessagePart);
    }
  }
  return { parts, text: textOf(parts) };
}
