import { useAssistantState, useChatStore } from '@chatwire/react';
import type { AssistantRespondTo, Conversation, Model } from '@chatwire/sdk';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorNote } from '../errors';

/**
 * A direct or group chat's assistant: who it is and when it answers, and — for the group's owner
 * (either person of a direct chat) — adding it, changing it or removing it.
 */
export function AssistantMember({ conversation, me }: { conversation: Conversation; me: string }) {
  const store = useChatStore();
  const [editing, setEditing] = useState(false);
  const [models, setModels] = useState<readonly Model[]>([]);
  const [model, setModel] = useState(conversation.assistant?.model ?? '');
  const [respondTo, setRespondTo] = useState<AssistantRespondTo>(
    conversation.assistant?.respondTo ?? 'mentions',
  );
  const [error, setError] = useState<Error | null>(null);
  const role = conversation.participants.find((p) => p.userId === me)?.role;
  const canManage = conversation.type === 'direct' || role === 'owner' || role === 'admin';

  useEffect(() => {
    if (!editing || models.length > 0) return;
    store.client.models.list().then((list) => {
      setModels(list);
      setModel((current) => current || (list.find((m) => m.default) ?? list[0])?.id || '');
    }, setError);
  }, [editing, models.length, store]);

  async function save(assistant: Conversation['assistant']) {
    setError(null);
    try {
      store.putConversation(await store.client.conversations.update(conversation.id, { assistant }));
      setEditing(false);
    } catch (caught) {
      setError(caught as Error);
    }
  }

  const { assistant } = conversation;
  return (
    <div className="assistant-member">
      {assistant && (
        <span className="assistant-badge">
          🤖 <strong>{assistant.model}</strong>{' '}
          {assistant.respondTo === 'mentions'
            ? `answers @assistant or @${assistant.model}`
            : 'answers every message'}
        </span>
      )}
      {canManage && !editing && (
        <button type="button" className="link" onClick={() => setEditing(true)}>
          {assistant ? 'Change' : 'Add an assistant'}
        </button>
      )}
      {editing && (
        <form
          className="assistant-form"
          aria-label="Assistant"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            void save({ model, respondTo });
          }}
        >
          <select aria-label="Model" value={model} onChange={(event) => setModel(event.target.value)}>
            {models.map((option) => (
              <option key={option.id} value={option.id}>
                {option.id}
              </option>
            ))}
          </select>
          <select
            aria-label="Answers"
            value={respondTo}
            onChange={(event) => setRespondTo(event.target.value as AssistantRespondTo)}
          >
            <option value="mentions">when mentioned</option>
            <option value="every_message">every message</option>
          </select>
          <button type="submit" disabled={!model}>
            Save
          </button>
          {assistant && (
            <button type="button" className="link" onClick={() => void save(null)}>
              Remove
            </button>
          )}
          <button type="button" className="link" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && <ErrorNote error={error} />}
    </div>
  );
}

/** "fast is writing…", "fast is using calculator…": what the assistant does right now. */
export function AssistantActivity({ conversationId, name }: { conversationId: string; name: string }) {
  const assistant = useAssistantState(conversationId);
  if (!assistant) return null;
  const doing =
    assistant.state === 'using_tool' ? `using ${assistant.toolName ?? 'a tool'}` : assistant.state;
  return (
    <p className="assistant-activity" aria-live="polite">
      {name} is {doing}…
    </p>
  );
}
