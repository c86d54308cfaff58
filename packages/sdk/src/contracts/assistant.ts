/**
 * An assistant as a member of a conversation between people, and the ephemeral event that says
 * what it is doing. The resource and the event live here (not in `resources.ts`/`events.ts`) so
 * that the feature is one file to read.
 */
import * as z from 'zod/mini';
import { Id } from './primitives.js';

/** When an assistant member answers: every person's message, or only those that mention it. */
export const AssistantRespondTo = z.enum(['mentions', 'every_message']);
export type AssistantRespondTo = z.infer<typeof AssistantRespondTo>;

/**
 * The assistant of a `direct` or `group` conversation: the model alias that answers and when.
 * `null` on `Conversation.assistant` for a human conversation without one — and for an
 * `assistant` conversation, whose model is `Conversation.model` and which answers every message.
 */
export const AssistantMember = z.object({
  model: z.string(),
  respondTo: AssistantRespondTo,
});
export type AssistantMember = z.infer<typeof AssistantMember>;

/** What an assistant is doing in a conversation right now. */
export const AssistantActivity = z.enum(['thinking', 'writing', 'using_tool', 'idle']);
export type AssistantActivity = z.infer<typeof AssistantActivity>;

/**
 * `assistant.state`: ephemeral like `typing` — `thinking` when a reply's turn starts (and while it
 * reasons), `writing` on text, `using_tool` while a server tool runs (`toolName`), `idle` when the
 * reply ends (complete, aborted, error or awaiting input). Told to every participant.
 */
export const AssistantStateEvent = z.object({
  type: z.literal('assistant.state'),
  conversationId: Id,
  messageId: Id,
  state: AssistantActivity,
  toolName: z.optional(z.string()),
});
export type AssistantStateEvent = z.infer<typeof AssistantStateEvent>;
