/**
 * What the assistant is doing in each conversation (`assistant.state` events): kept until `idle`,
 * or until the reply it is about completes (`message.completed`), so an indicator never outlives
 * its reply even when the `idle` is lost with a dropped connection.
 */
import type { AssistantStateEvent } from '../contracts/assistant.js';
import type { Message } from '../contracts/resources.js';
import type { AssistantState } from './types.js';

type States = Readonly<Record<string, AssistantState>>;

/** `states` after `event`: its conversation's state set, or gone on `idle`. */
export function withAssistantEvent(states: States, event: AssistantStateEvent): States {
  const { conversationId, messageId, state, toolName } = event;
  if (state === 'idle') return withoutReply(states, conversationId, messageId);
  return { ...states, [conversationId]: { messageId, state, ...(toolName ? { toolName } : {}) } };
}

/** `states` without the state of `reply`, which has ended. */
export function withoutCompleted(states: States, reply: Pick<Message, 'conversationId' | 'id'>): States {
  return withoutReply(states, reply.conversationId, reply.id);
}

function withoutReply(states: States, conversationId: string, messageId: string): States {
  if (states[conversationId]?.messageId !== messageId) return states;
  const { [conversationId]: _ended, ...rest } = states;
  return rest;
}
