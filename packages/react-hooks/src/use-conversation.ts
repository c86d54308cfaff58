/**
 * One conversation: its details, and the calls that change it.
 */
import type { Conversation, UpdateConversationInput } from '@chatwire/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useChatStore } from './provider.js';
import { useChatState } from './use-chat-state.js';

/** What {@link useConversation} returns. */
export interface UseConversationResult {
  /** `undefined` until loaded (or when `id` is `null`). */
  conversation: Conversation | undefined;
  /** Why it could not be loaded (e.g. `NotFoundError`). */
  error: Error | null;
  /** Renames it, or changes its model or system prompt. Rejects when the server refuses. */
  update(input: UpdateConversationInput): Promise<void>;
  /** Deletes it (owners; either person in a direct chat). */
  remove(): Promise<void>;
  /** Adds people to a group. */
  addParticipants(userIds: string[]): Promise<void>;
  /** Removes a member (owners), or leaves when given your own id. */
  removeParticipant(userId: string): Promise<void>;
}

/**
 * The conversation `id`, live (renames, participants), loaded if the store has not seen it.
 *
 * @example
 * ```tsx
 * function Header({ id }: { id: string }) {
 *   const { conversation, update } = useConversation(id);
 *   if (!conversation) return null;
 *   return <h1 onDoubleClick={() => update({ title: prompt('Title') })}>{conversation.title}</h1>;
 * }
 * ```
 */
export function useConversation(id: string | null | undefined): UseConversationResult {
  const store = useChatStore();
  const { client } = store;
  const conversation = useChatState((state) => (id ? state.conversations[id] : undefined));
  const signedIn = useChatState((state) => state.auth.status === 'signed-in');
  const known = conversation !== undefined;
  // Keyed by id: an error of the previous conversation must not show on the next.
  const [failure, setFailure] = useState<{ id: string; error: Error } | null>(null);

  useEffect(() => {
    if (!id || !signedIn || known) return;
    store.loadConversation(id).catch((error: Error) => setFailure({ id, error }));
  }, [store, id, signedIn, known]);

  const need = useCallback(() => {
    if (!id) throw new Error('useConversation: no conversation id');
    return id;
  }, [id]);
  return {
    conversation,
    error: failure && failure.id === id ? failure.error : null,
    update: useCallback(
      async (input: UpdateConversationInput) =>
        store.putConversation(await client.conversations.update(need(), input)),
      [store, client, need],
    ),
    remove: useCallback(async () => {
      const target = need();
      await client.conversations.delete(target);
      store.dropConversation(target);
    }, [store, client, need]),
    addParticipants: useCallback(
      async (userIds: string[]) =>
        store.putConversation(await client.conversations.addParticipants(need(), { userIds })),
      [store, client, need],
    ),
    removeParticipant: useCallback(
      async (userId: string) => {
        const target = need();
        await client.conversations.removeParticipant(target, userId);
        if (userId === store.getState().auth.user?.id) store.dropConversation(target);
        else await store.loadConversation(target);
      },
      [store, client, need],
    ),
  };
}
