import { useProfile } from '@chatwire/react';
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../errors';
import { Avatar } from './Avatar';

/**
 * The signed-in person's profile: display name, avatar URL and status (everyone who shares a
 * conversation sees a change live), and a password change.
 */
export function ProfileDialog({ onClose }: { onClose(): void }) {
  const { me } = useProfile();
  if (!me) return null;
  return (
    <div className="overlay">
      <div className="card dialog profile" role="dialog" aria-label="Your profile">
        <h2>Your profile</h2>
        <ProfileForm onSaved={onClose} />
        <PasswordForm />
        <div className="actions">
          <button type="button" className="link" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

function ProfileForm({ onSaved }: { onSaved(): void }) {
  const { me, update } = useProfile();
  const [displayName, setDisplayName] = useState(me?.displayName ?? '');
  const [avatarUrl, setAvatarUrl] = useState(me?.avatarUrl ?? '');
  const [statusText, setStatusText] = useState(me?.statusText ?? '');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Only what changed: an untouched form tells nobody anything. Empty clears the picture or status.
      const wanted = {
        displayName,
        avatarUrl: avatarUrl.trim() || null,
        statusText: statusText.trim() || null,
      };
      const patch = Object.fromEntries(
        Object.entries(wanted).filter(([key, value]) => me?.[key as keyof typeof wanted] !== value),
      );
      if (Object.keys(patch).length > 0) await update(patch);
      onSaved();
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  return (
    <form className="profile-form" aria-label="Profile" onSubmit={submit}>
      <div className="profile-preview">
        <Avatar name={displayName || '?'} url={avatarUrl.trim() || null} size="large" />
        <span className="muted">{statusText.trim() || 'No status'}</span>
      </div>
      <label>
        Display name
        <input value={displayName} onChange={(event) => setDisplayName(event.target.value)} required />
      </label>
      <label>
        Avatar URL
        <input
          type="url"
          value={avatarUrl}
          onChange={(event) => setAvatarUrl(event.target.value)}
          placeholder="https://…"
        />
      </label>
      <label>
        Status
        <input
          value={statusText}
          onChange={(event) => setStatusText(event.target.value)}
          placeholder="What are you up to?"
        />
      </label>
      {error && <ErrorNote error={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save profile
        </button>
      </div>
    </form>
  );
}

function PasswordForm() {
  const { changePassword } = useProfile();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="profile-form" aria-label="Change password" onSubmit={submit}>
      <h3>Change password</h3>
      <label>
        Current password
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
          required
        />
      </label>
      <label>
        New password
        <input
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(event) => setNext(event.target.value)}
          required
        />
      </label>
      {error && <ErrorNote error={error} />}
      {done && (
        <p className="muted" role="status">
          Password changed. Your other devices will sign in again.
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
