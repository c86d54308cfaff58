/**
 * Turns take turns: the history a reply is answered from is read once every reply before it in
 * the conversation that is still being generated has ended — here, on another process, or left
 * by one that died (the follow ends those as `error`). So a reply never misses the exchange
 * before its prompt, and two quick sends are answered one after the other.
 */
import type { ChatTurn } from '../providers/provider.js';
import type { MessageRecord } from '../store/store.js';
import { historyTurns } from './attachment-context.js';
import type { PreparedTurn, TurnDeps } from './turn.js';

const noop = () => undefined;
/** Following a reply only to its end: from past anything it could have. */
const atTheEnd = { part: Number.MAX_SAFE_INTEGER, offset: 0 };

/** What the model is told of the conversation before `reply`: its messages, as turns, with their files. */
export async function historyBefore(
  deps: Pick<TurnDeps, 'store' | 'follow' | 'historyMessages' | 'attachments' | 'contextBudgetTokens'>,
  turn: PreparedTurn,
  reply: MessageRecord,
): Promise<ChatTurn[]> {
  const { signal } = turn.controller;
  const waited = new Set<string>();
  for (;;) {
    const history = await deps.store.listMessages(turn.conversation.id, {
      limit: deps.historyMessages,
      beforeSeq: reply.seq,
    });
    const earlier = history.find(
      (message) => message.role === 'assistant' && message.status === 'streaming' && !waited.has(message.id),
    );
    if (!earlier) {
      return historyTurns({
        messages: history.filter((message) => message.status !== 'deleted' && message.status !== 'streaming'),
        loader: deps.attachments,
        conversationId: turn.conversation.id,
        vision: turn.model.vision,
        budgetTokens: deps.contextBudgetTokens,
      });
    }
    waited.add(earlier.id);
    await deps.follow(earlier, atTheEnd, noop, signal);
    if (signal.aborted) return [];
  }
}
