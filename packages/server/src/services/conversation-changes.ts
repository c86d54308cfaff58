/**
 * What a change to a conversation may ask for: model aliases this server offers, an assistant
 * member, and — for an update — what each type of conversation has and who may change it
 * (`permissions.ts`).
 */
import type { AssistantMember, AssistantMemberInput, UpdateConversationInput } from '@chatwire/sdk/contracts';
import type { ModelRegistry } from '../providers/registry.js';
import type { ConversationRecord } from '../store/store.js';
import { requireCanManageAssistant, roleIn } from './conversation-rules.js';
import { Invalid, Refused } from './errors.js';
import { requireCan } from './permissions.js';

export function resolveModel(
  models: Pick<ModelRegistry, 'list'>,
  alias: string | null | undefined,
  path: string[],
): string | null {
  if (alias === null || alias === undefined) return null;
  if (!models.list().some((model) => model.id === alias)) {
    const known = models.list().map((model) => model.id);
    throw new Invalid(`Unknown model "${alias}"; this server offers: ${known.join(', ')}`, [
      { path, message: `Unknown model; one of ${known.join(', ')}` },
    ]);
  }
  return alias;
}

/** An assistant member as given, its model checked to be one this server offers. */
export function resolveAssistantMember(
  models: Pick<ModelRegistry, 'list'>,
  input: AssistantMemberInput | null | undefined,
  path: string[],
): AssistantMember | null {
  if (!input) return null;
  return { model: resolveModel(models, input.model, path) ?? input.model, respondTo: input.respondTo };
}

/** `patch` may change `current`: what each type of conversation has, and who may set its assistant. */
export function requireChangeable(
  userId: string,
  current: ConversationRecord,
  patch: UpdateConversationInput,
) {
  const { assistant, ...rest } = patch;
  const changesOther = Object.values(rest).some((value) => value !== undefined);
  if (current.type === 'direct' && changesOther) {
    throw new Refused('A direct conversation has no title, model or system prompt to change');
  }
  if (current.type === 'group' && (patch.model !== undefined || patch.systemPrompt !== undefined)) {
    throw new Refused('Only assistant conversations have a model and a system prompt');
  }
  const role = roleIn(current, userId);
  if (patch.title !== undefined) requireCan(role, 'rename', current.type);
  if (patch.model !== undefined || patch.systemPrompt !== undefined) {
    requireCan(role, 'setSystemPrompt', current.type);
  }
  if (assistant === undefined) return;
  if (current.type === 'assistant') {
    throw new Refused("An assistant conversation's assistant is its `model`: change that instead");
  }
  requireCanManageAssistant(userId, current);
}
