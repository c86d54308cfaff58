import { useAuth } from '@chatwire/react';
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../errors';

/** Sign in, or create an account (which signs in too). */
export function AuthScreen() {
  const { login, register, error: sessionError } = useAuth();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(null);
    try {
      if (mode === 'login') await login({ email, password });
      else await register({ email, password, displayName: String(form.get('displayName')) });
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  }

  const registering = mode === 'register';
  return (
    <main className="auth">
      <form className="card" onSubmit={submit}>
        <h1>chatwire</h1>
        <p className="muted">{registering ? 'Create your account.' : 'Sign in to chat.'}</p>
        {registering && (
          <label>
            Display name
            <input name="displayName" required autoComplete="nickname" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" required autoComplete="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            autoComplete={registering ? 'new-password' : 'current-password'}
          />
        </label>
        {registering && (
          <small className="muted">
            8+ characters with upper- and lower-case letters, a digit and a symbol.
          </small>
        )}
        {(error ?? sessionError) && <ErrorNote error={(error ?? sessionError)!} />}
        <button type="submit" className="primary" disabled={busy}>
          {registering ? 'Create account' : 'Sign in'}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(registering ? 'login' : 'register');
            setError(null);
          }}
        >
          {registering ? 'I have an account' : 'New here? Create an account'}
        </button>
      </form>
    </main>
  );
}
