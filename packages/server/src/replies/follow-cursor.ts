/**
 * What one follower of a reply has, and what it still lacks: the same rule for every way of
 * following — in memory, through the broker from another process, from the store — so a follower
 * that re-attaches mid-part, a second tab or another process sees every part once, in order, with
 * no gap and no duplicate.
 *
 * - A follower starts from a position (`part`, `offset`): it has the parts before `part` (tool
 *   calls among them may have moved on since: their state is sent again), and the text channel of
 *   `part` up to `offset` (0: nothing of it).
 * - A `message.part` replaces what a follower has at its index — unless it has a later state of
 *   that part (a part's first event comes only once; a tool call's states only move forward), which
 *   happens when a live event overtaken by a snapshot arrives after it.
 * - A `message.delta` is cut to what the follower lacks; one that starts past what it has is a
 *   gap (`'gap'`: a delta published while the follower was not subscribed was lost), for the
 *   caller to fill from a snapshot.
 */
import type { ChatStreamEvent, MessagePart, ToolPart } from '@chatwire/sdk/contracts';
import { partText } from '@chatwire/sdk/contracts';
import type { ReplyPosition } from './turn.js';

type Send = (event: ChatStreamEvent) => void | Promise<void>;
type PartEvent = Extract<ChatStreamEvent, { type: 'message.part' }>;
type DeltaEvent = Extract<ChatStreamEvent, { type: 'message.delta' }>;

/** How far a part has come: a part's later states rank higher; a non-tool part has one. */
function rankOf(part: MessagePart): number {
  if (part.type !== 'tool') return 0;
  switch ((part as ToolPart).state) {
    case 'input-streaming':
      return 0;
    case 'input-available':
      return part.approval?.approved ? 3 : 1;
    case 'approval-requested':
      return 2;
    default:
      return 4;
  }
}

interface Known {
  /** How much of the part's text channel the follower has. */
  length: number;
  rank: number;
}

export interface FollowCursor {
  /**
   * Sends what `parts` (the reply as a snapshot has it) holds beyond what the follower has —
   * synchronously, each event handed to `send` in order; resolves once every returned promise has.
   */
  snapshot(parts: readonly MessagePart[]): Promise<unknown> | undefined;
  /** A live part or delta event: sent if it adds something; `'gap'` when a delta starts past what the follower has. */
  live(event: PartEvent | DeltaEvent): Promise<void> | 'gap' | undefined;
}

export function createFollowCursor(
  ids: { conversationId: string; messageId: string },
  from: ReplyPosition,
  send: Send,
): FollowCursor {
  const { conversationId, messageId } = ids;
  const known = new Map<number, Known>();

  const sendPart = (index: number, part: MessagePart) => {
    known.set(index, { length: partText(part)?.length ?? 0, rank: rankOf(part) });
    return send({ type: 'message.part', conversationId, messageId, index, part });
  };
  const sendDelta = (part: number, offset: number, delta: string) => {
    const have = known.get(part);
    if (have) have.length = offset + delta.length;
    return send({ type: 'message.delta', conversationId, messageId, part, offset, delta });
  };

  return {
    snapshot(parts) {
      const waits: Promise<void>[] = [];
      const wait = (result: void | Promise<void>) => {
        if (result) waits.push(result);
      };
      parts.forEach((part, index) => {
        let had = known.get(index);
        if (!had) {
          had = startingKnowledge(index, part);
          if (had) known.set(index, had);
        }
        // Lacking the part, or a later state of it: it goes whole (its text channel included).
        if (!had || rankOf(part) > had.rank) {
          wait(sendPart(index, part));
          return;
        }
        const text = partText(part);
        if (text !== undefined && text.length > had.length)
          wait(sendDelta(index, had.length, text.slice(had.length)));
      });
      return waits.length === 0 ? undefined : waits.length === 1 ? waits[0] : Promise.all(waits);
    },
    live(event) {
      if (event.type === 'message.part') {
        const had = known.get(event.index);
        if (had && rankOf(event.part) <= had.rank) return undefined;
        return sendPart(event.index, event.part) ?? undefined;
      }
      const had = known.get(event.part);
      if (!had || event.offset > had.length) return 'gap';
      const end = event.offset + event.delta.length;
      if (end <= had.length) return undefined;
      return sendDelta(event.part, had.length, event.delta.slice(had.length - event.offset)) ?? undefined;
    },
  };

  /**
   * What the follower has of the part at `index` before anything was sent to it: the parts before
   * its position whole, the part at it up to `offset`, nothing after. A tool call before the
   * position may have moved on: its state is unknown (so it is sent).
   */
  function startingKnowledge(index: number, part: MessagePart): Known | undefined {
    if (index < from.part) {
      const length = partText(part)?.length ?? 0;
      return part.type === 'tool' ? undefined : { length, rank: rankOf(part) };
    }
    if (index === from.part && from.offset > 0) return { length: from.offset, rank: 0 };
    return undefined;
  }
}
