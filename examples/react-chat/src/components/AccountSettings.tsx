import { useChatwireClient } from '@chatwire/react';
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../errors';

/**
 * Settings: deleting the account, behind the current password. Once deleted the client is signed
 * out (`users.deleteMe`), and the app goes back to the sign-in screen.
 */
export function AccountSettings() {
  const client = useChatwireClient();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.users.deleteMe(password);
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(String(failure)));
      setBusy(false);
    }
  }

  return (
    <details className="settings">
      <summary>Settings</summary>
      <form onSubmit={(event) => void onSubmit(event)} aria-label="Delete account">
        <p>
          Deleting your account removes your assistant chats and uploads; others keep your messages, from
          “Deleted user”.
        </p>
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        </label>
        <button type="submit" className="danger" disabled={busy || password === ''}>
          Delete account
        </button>
        {error !== null && <ErrorNote error={error} />}
      </form>
    </details>
  );
}
