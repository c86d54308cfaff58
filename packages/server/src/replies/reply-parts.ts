/**
 * A reply's parts as its turn builds them, told as they change — to the followers in this process
 * (`ActiveReplies`: each delta as it came, with backpressure) and to the participants (the fanout:
 * deltas coalesced). The one place that changes `ActiveReply.parts`, so what followers are told
 * and what a new follower reads are always the same.
 */
import type { ChatStreamEvent, MessagePart } from '@chatwire/sdk/contracts';
import { partText } from '@chatwire/sdk/contracts';
import type { ActiveReplies, ActiveReply } from './active-replies.js';
import type { ReplyFanout } from './reply-fanout.js';

export interface ReplyParts {
  /** The parts so far (live: read, never change). */
  readonly parts: readonly MessagePart[];
  /** Adds `part` at the end; its index. */
  add(part: MessagePart): number;
  /** Puts `part` at `index`: a new state of the part there. */
  set(index: number, part: MessagePart): void;
  /** Appends `text` to the text channel of the part at `index`. */
  append(index: number, text: string): void;
  /** Text or reasoning the model wrote: appended to the last part if it is one of that type, else a new part. */
  write(type: 'text' | 'reasoning', text: string): void;
  /** Settles once every follower that asked to be waited for (a backed-up socket) has drained. */
  drained(): Promise<void>;
}

function withChannel(part: MessagePart, text: string): MessagePart {
  if (part.type === 'text' || part.type === 'reasoning') return { ...part, text };
  if (part.type === 'tool') return { ...part, inputText: text };
  return part;
}

export function createReplyParts(deps: {
  activeReplies: ActiveReplies;
  active: ActiveReply;
  fanout: ReplyFanout;
}): ReplyParts {
  const { activeReplies, active, fanout } = deps;
  const { conversationId, messageId } = active;
  // A follower that asked to be waited for: every backed-up socket resolves on its own next
  // `drain`, so the latest promise covers them all.
  let delivery: Promise<unknown> | undefined;
  const emit = (event: ChatStreamEvent) => {
    const delivered = activeReplies.emit(active, event);
    if (delivered) delivery = delivered;
  };
  const tell = (index: number, part: MessagePart) => {
    emit({ type: 'message.part', conversationId, messageId, index, part: { ...part } });
    fanout.part(index, part);
  };

  const replies: ReplyParts = {
    get parts() {
      return active.parts;
    },
    add(part) {
      const index = active.parts.length;
      active.parts.push({ ...part });
      tell(index, part);
      return index;
    },
    set(index, part) {
      active.parts[index] = { ...part };
      tell(index, part);
    },
    append(index, text) {
      const part = active.parts[index];
      const channel = part ? partText(part) : undefined;
      if (!part || channel === undefined || text === '') return;
      active.parts[index] = withChannel(part, channel + text);
      emit({
        type: 'message.delta',
        conversationId,
        messageId,
        part: index,
        offset: channel.length,
        delta: text,
      });
      fanout.delta(index, channel.length, text);
    },
    write(type, text) {
      if (text === '') return;
      const last = active.parts.length - 1;
      const index = active.parts[last]?.type === type ? last : replies.add({ type, text: '' });
      replies.append(index, text);
    },
    async drained() {
      const waiting = delivery;
      delivery = undefined;
      if (waiting) await waiting;
    },
  };
  return replies;
}
