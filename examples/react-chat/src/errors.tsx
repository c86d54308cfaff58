import { ApiError } from '@chatwire/sdk';

/** An error as a person can act on it: the server's message, and each problem with the input. */
export function ErrorNote({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const details = ApiError.isInstance(error) ? error.details : [];
  return (
    <div className="error" role="alert">
      <span>{error.message}</span>
      {details.length > 0 && (
        <ul>
          {details.map((detail) => (
            <li key={`${detail.path.join('.')}:${detail.message}`}>{detail.message}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
