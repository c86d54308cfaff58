/**
 * `assistant.state`: what the assistant is doing while a reply runs, told to every participant —
 * `thinking` when the model is asked (and while it reasons or writes a tool call), `writing` on
 * text, `using_tool` while a server tool runs, `idle` when the reply ends however it ends. Read
 * off the reply's fan-out (the one place its parts are told), so it can never disagree with the
 * parts, and published only when it changes. Ephemeral, as `typing` is: a failed publish is
 * dropped (the parts and `message.completed` carry the truth).
 */
import type { AssistantActivity, MessagePart } from '@chatwire/sdk/contracts';
import type { ReplyFanout } from './reply-fanout.js';

export interface AssistantStateUpdate {
  state: AssistantActivity;
  toolName?: string;
}

/** What a part says the assistant is doing, by its type and state. */
function activityOf(part: MessagePart): AssistantStateUpdate {
  if (part.type === 'text') return { state: 'writing' };
  if (part.type === 'tool' && part.state === 'input-available')
    return { state: 'using_tool', toolName: part.toolName };
  return { state: 'thinking' };
}

/**
 * `fanout`, telling `publish` each change of the assistant's state as its parts go by.
 *
 * @example
 * const fanout = withAssistantState(createReplyFanout(options), (update) =>
 *   broker.publish({ recipients, event: { type: 'assistant.state', conversationId, messageId, ...update } }),
 * );
 */
export function withAssistantState(
  fanout: ReplyFanout,
  publish: (update: AssistantStateUpdate) => Promise<void>,
): ReplyFanout {
  let opened = false;
  let last = '';
  /** The type of each part by index, for the deltas (which name only the index). */
  const types = new Map<number, MessagePart['type']>();
  /** Server tools running now, by part index: the state stays `using_tool` while one does. */
  const running = new Map<number, string>();

  const tell = (update: AssistantStateUpdate) => {
    const key = `${update.state}:${update.toolName ?? ''}`;
    if (key === last) return;
    last = key;
    publish(update).catch(() => undefined);
  };
  const afterPart = (index: number, part: MessagePart) => {
    types.set(index, part.type);
    if (part.type === 'tool' && part.state === 'input-available') running.set(index, part.toolName);
    else running.delete(index);
    const tool = [...running.values()].at(-1);
    tell(tool === undefined ? activityOf(part) : { state: 'using_tool', toolName: tool });
  };

  return {
    open() {
      fanout.open();
      opened = true;
      tell({ state: 'thinking' });
    },
    part(index, part) {
      fanout.part(index, part);
      if (opened) afterPart(index, part);
    },
    delta(part, offset, text) {
      fanout.delta(part, offset, text);
      if (opened && running.size === 0) tell({ state: types.get(part) === 'text' ? 'writing' : 'thinking' });
    },
    flush: () => fanout.flush(),
    async complete(event) {
      try {
        await fanout.complete(event);
      } finally {
        if (opened) tell({ state: 'idle' });
      }
    },
    cancel() {
      fanout.cancel();
      if (opened) tell({ state: 'idle' });
    },
  };
}
