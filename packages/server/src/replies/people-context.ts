/**
 * What a model is told in a conversation between people (direct or group): each person's turn is
 * prefixed with their display name (`Alice: …`), and the system prompt says that several people
 * talk here, naming them — so the model can tell who asked what. An assistant conversation's
 * context is left exactly as it was (one person: nothing to name).
 */
import { copyMessage } from '../store/copies.js';
import type { MessageRecord, Store } from '../store/store.js';

/** Who speaks in a conversation, by user id. */
export type SpeakerNames = ReadonlyMap<string, string>;

/** The display names of `participantIds` and of everyone who wrote one of `messages`. */
export async function speakerNames(
  store: Pick<Store, 'getUsers'>,
  participantIds: readonly string[],
  messages: readonly MessageRecord[],
): Promise<SpeakerNames> {
  const ids = new Set<string>(participantIds);
  for (const message of messages) if (message.senderId) ids.add(message.senderId);
  const users = await store.getUsers([...ids]);
  return new Map(users.map((user) => [user.id, user.displayName]));
}

/** A person's message with its text prefixed by who wrote it; replies and system notes as they are. */
export function withSpeakerName(message: MessageRecord, names: SpeakerNames): MessageRecord {
  if (message.role !== 'user' || !message.senderId) return message;
  const name = names.get(message.senderId) ?? 'Someone';
  const named = copyMessage(message);
  named.content = `${name}: ${message.content}`;
  return named;
}

/** Who is in a conversation, as its system prompt names them: the first few by name, the rest counted. */
export interface PeopleNamed {
  named: readonly string[];
  others: number;
}

/**
 * The system prompt of a conversation between people: who is in it, how their turns are marked,
 * then the conversation's own prompt (a group that was an assistant conversation keeps it).
 *
 * @example
 * peopleSystemPrompt({ named: ['Alice', 'Bob'], others: 0 }, 'fast', null);
 * // 'This is a conversation between several people (Alice, Bob) and you, the assistant "fast". …'
 */
export function peopleSystemPrompt(people: PeopleNamed, alias: string, ownPrompt: string | null): string {
  const others = people.others > 0 ? ` and ${people.others} other${people.others === 1 ? '' : 's'}` : '';
  const intro =
    `This is a conversation between several people (${people.named.join(', ')}${others}) and you, the assistant "${alias}". ` +
    "Each person's message starts with their name and a colon. Answer the person who wrote the last message.";
  return ownPrompt?.trim() ? `${intro}\n\n${ownPrompt}` : intro;
}
