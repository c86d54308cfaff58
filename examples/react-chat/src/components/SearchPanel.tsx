import { useMessageSearch } from '@chatwire/react';
import './SearchPanel.css';
import type { SearchHit } from '@chatwire/sdk';
import { type ReactNode, useState } from 'react';
import { ErrorNote } from '../errors';

interface SearchPanelProps {
  /** Opens the conversation a hit is in. */
  onOpen(conversationId: string): void;
}

/**
 * A search box for the messages of my conversations: results as I type, the matching words
 * marked, a click opens the conversation. Empty, it shows nothing and the list below stays.
 */
export function SearchPanel({ onOpen }: SearchPanelProps) {
  const [query, setQuery] = useState('');
  const { hits, status, error, hasMore, loadMore } = useMessageSearch(query);
  const searching = query.trim() !== '';

  return (
    <section className="search" aria-label="Search messages">
      <input
        type="search"
        placeholder="Search messages"
        aria-label="Search messages"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => event.key === 'Escape' && setQuery('')}
      />
      {searching && (
        <div className="search-results">
          {status === 'loading' && hits.length === 0 && <p className="muted">Searching…</p>}
          {status === 'ready' && hits.length === 0 && <p className="muted">No messages match.</p>}
          {error && <ErrorNote error={error} />}
          <ul aria-label="Search results">
            {hits.map((hit) => (
              <li key={hit.message.id}>
                <button
                  type="button"
                  className="search-hit"
                  onClick={() => {
                    setQuery('');
                    onOpen(hit.conversationId);
                  }}
                >
                  <span className="search-when">{new Date(hit.message.createdAt).toLocaleString()}</span>
                  <span className="search-text">{withMarks(hit)}</span>
                </button>
              </li>
            ))}
          </ul>
          {hasMore && (
            <button type="button" className="link" onClick={() => void loadMore()}>
              More results
            </button>
          )}
        </div>
      )}
    </section>
  );
}

/** The hit's text with each highlight wrapped in `<mark>` (highlights are sorted and disjoint). */
function withMarks({ message, highlights }: SearchHit): ReactNode[] {
  const pieces: ReactNode[] = [];
  let at = 0;
  for (const { start, end } of highlights) {
    if (start > at) pieces.push(message.content.slice(at, start));
    pieces.push(<mark key={start}>{message.content.slice(start, end)}</mark>);
    at = end;
  }
  if (at < message.content.length) pieces.push(message.content.slice(at));
  return pieces;
}
