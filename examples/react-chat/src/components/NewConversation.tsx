import { useChatStore, useUsers } from '@chatwire/react';
import type {
  Conversation,
  ConversationType,
  CreateConversationInput,
  PublicUser,
  User,
} from '@chatwire/sdk';
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../errors';

interface NewConversationProps {
  me: User;
  onCreated(conversation: Conversation): void;
  onCancel(): void;
}

const kinds: { type: ConversationType; label: string }[] = [
  { type: 'assistant', label: 'Assistant' },
  { type: 'direct', label: 'Direct' },
  { type: 'group', label: 'Group' },
];

/** Starts an assistant chat, a direct chat with someone, or a group (people found by name). */
export function NewConversation({ me, onCreated, onCancel }: NewConversationProps) {
  const store = useChatStore();
  const [type, setType] = useState<ConversationType>('assistant');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<PublicUser[]>([]);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const people = type !== 'assistant';
  const search = useUsers(people ? query : null);
  const found = search.users.filter((user) => user.id !== me.id);

  function toggle(user: PublicUser) {
    const isPicked = picked.some((p) => p.id === user.id);
    if (type === 'direct') setPicked(isPicked ? [] : [user]);
    else setPicked(isPicked ? picked.filter((p) => p.id !== user.id) : [...picked, user]);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const participantIds = picked.map((user) => user.id);
    const input: CreateConversationInput =
      type === 'assistant'
        ? { type }
        : type === 'direct'
          ? { type, participantIds }
          : { type, participantIds, title: title.trim() || null };
    setBusy(true);
    setError(null);
    try {
      onCreated(await store.createConversation(input));
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  return (
    <div className="overlay">
      <form className="card dialog" role="dialog" aria-label="New conversation" onSubmit={submit}>
        <h2>New conversation</h2>
        <div className="segments" role="radiogroup" aria-label="Kind">
          {kinds.map((kind) => (
            <label key={kind.type} className={type === kind.type ? 'segment selected' : 'segment'}>
              <input
                type="radio"
                name="type"
                value={kind.type}
                checked={type === kind.type}
                onChange={() => {
                  setType(kind.type);
                  setPicked([]);
                }}
              />
              {kind.label}
            </label>
          ))}
        </div>
        {type === 'assistant' && <p className="muted">A chat with the server's default model.</p>}
        {type === 'group' && (
          <label>
            Group name
            <input value={title} onChange={(event) => setTitle(event.target.value)} placeholder="Optional" />
          </label>
        )}
        {people && (
          <>
            <label>
              Find people
              <input
                type="search"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
                placeholder="Name"
              />
            </label>
            <ul className="people">
              {found.map((user) => (
                <li key={user.id}>
                  <button
                    type="button"
                    aria-pressed={picked.some((p) => p.id === user.id)}
                    onClick={() => toggle(user)}
                  >
                    <span className={user.online ? 'dot online' : 'dot'} aria-hidden />
                    {user.displayName}
                  </button>
                </li>
              ))}
            </ul>
            {search.status === 'ready' && found.length === 0 && <p className="muted">Nobody by that name.</p>}
            {search.error && <ErrorNote error={search.error} />}
          </>
        )}
        {error && <ErrorNote error={error} />}
        <div className="actions">
          <button type="button" className="link" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || (people && picked.length === 0)}>
            Start
          </button>
        </div>
      </form>
    </div>
  );
}
