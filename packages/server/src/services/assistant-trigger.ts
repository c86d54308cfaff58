/**
 * Whether a person's message starts an assistant turn, and with which model: in an assistant
 * conversation every message does (the send's `model`, else the conversation's); in a direct or
 * group conversation only when it has an assistant member that should answer — every message, or
 * one that mentions it (`@assistant` or `@<alias>`, any case, as a whole word).
 */
import type { AssistantMember } from '@chatwire/sdk/contracts';
import type { Membership } from '../store/store.js';

/** The model alias to answer with; `null` is "the server's default". */
export interface AssistantTurnModel {
  alias: string | null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `text` mentions the assistant: `@assistant` or `@<alias>`, case-insensitive, as a whole
 * word — not inside an address (`me@assistant.dev`) nor as the start of a longer name (`@fastest`).
 *
 * @example
 * mentionsAssistant('hey @Fast, sum this', 'fast'); // true
 * mentionsAssistant('mail me@assistant.dev', 'fast'); // false
 */
export function mentionsAssistant(text: string, alias: string): boolean {
  const names = ['assistant', alias].map(escapeRegExp).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}_@.])@(?:${names})(?![\\p{L}\\p{N}_-])`, 'iu').test(text);
}

/** Whether `assistant` answers a person's message saying `content`. */
export function assistantShouldAnswer(assistant: AssistantMember, content: string): boolean {
  return assistant.respondTo === 'every_message' || mentionsAssistant(content, assistant.model);
}

/** The model of the turn `content` starts in `conversation`, or `null` when it starts none. */
export function assistantTurnFor(
  conversation: Pick<Membership, 'type' | 'model' | 'assistant'>,
  content: string,
  requestedModel: string | undefined,
): AssistantTurnModel | null {
  if (conversation.type === 'assistant') return { alias: requestedModel ?? conversation.model };
  const { assistant } = conversation;
  return assistant && assistantShouldAnswer(assistant, content) ? { alias: assistant.model } : null;
}
