/**
 * Turns take turns: the history a reply is answered from is read once every reply before it in
 * the conversation that is still being generated has ended — here, on another process, or left
 * by one that died (the follow ends those as `error`). So a reply never misses the exchange
 * before its prompt, and two quick sends are answered one after the other.
 */
import type { ChatTurn } from '../providers/provider.js';
import type { MessageRecord } from '../store/store.js';
import { historyTurns } from './attachment-context.js';
import { peopleSystemPrompt, speakerNames, withSpeakerName } from './people-context.js';
import type { PreparedTurn, TurnDeps } from './turn.js';

const noop = () => undefined;
/** Following a reply only to its end: from past anything it could have. */
const atTheEnd = { part: Number.MAX_SAFE_INTEGER, offset: 0 };

/** What a reply is answered from: the history as turns, and the system prompt to send with it. */
export interface TurnContext {
  history: ChatTurn[];
  systemPrompt: string | null;
}

/**
 * What the model is told of the conversation before `reply`: its messages, as turns, with their
 * files; in a conversation between people, each person's turn named (`people-context.ts`).
 */
export async function historyBefore(
  deps: Pick<
    TurnDeps,
    'store' | 'follow' | 'historyMessages' | 'attachments' | 'contextBudgetTokens' | 'peopleNamed'
  >,
  turn: PreparedTurn,
  reply: MessageRecord,
): Promise<TurnContext> {
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
      const settled = history.filter(
        (message) => message.status !== 'deleted' && message.status !== 'streaming',
      );
      const { messages, systemPrompt } = await spokenBy(deps, turn, settled);
      const turns = await historyTurns({
        messages,
        loader: deps.attachments,
        conversationId: turn.conversation.id,
        vision: turn.model.vision,
        budgetTokens: deps.contextBudgetTokens,
      });
      return { history: turns, systemPrompt };
    }
    waited.add(earlier.id);
    await deps.follow(earlier, atTheEnd, noop, signal);
    if (signal.aborted) return { history: [], systemPrompt: null };
  }
}

/** The messages as the model reads them, and the system prompt: named speakers between people. */
async function spokenBy(
  deps: Pick<TurnDeps, 'store' | 'peopleNamed'>,
  turn: PreparedTurn,
  messages: MessageRecord[],
): Promise<{ messages: MessageRecord[]; systemPrompt: string | null }> {
  const { conversation } = turn;
  if (conversation.type === 'assistant') return { messages, systemPrompt: conversation.systemPrompt };
  const named = conversation.participantIds.slice(0, deps.peopleNamed);
  const names = await speakerNames(deps.store, named, messages);
  return {
    messages: messages.map((message) => withSpeakerName(message, names)),
    systemPrompt: peopleSystemPrompt(
      {
        named: named.map((id) => names.get(id) ?? 'Someone'),
        others: conversation.participantIds.length - named.length,
      },
      turn.model.alias,
      conversation.systemPrompt,
    ),
  };
}
