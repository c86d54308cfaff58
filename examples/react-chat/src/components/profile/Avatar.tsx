import { useState } from 'react';
import './profile.css';

/** "Ada Lovelace" → "AL"; one name → its first letter. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : words;
  return letters.map((word) => [...(word ?? '')][0]?.toUpperCase() ?? '').join('') || '?';
}

interface AvatarProps {
  name: string;
  url: string | null | undefined;
  /** A presence dot in the corner: `undefined` for none. */
  online?: boolean | undefined;
  size?: 'small' | 'large';
}

/** A person's picture, or their initials when they have none (or it does not load). */
export function Avatar({ name, url, online, size = 'small' }: AvatarProps) {
  // The URL that failed, so that a new one is tried again.
  const [failed, setFailed] = useState<string | null>(null);
  const showImage = url && failed !== url;
  return (
    <span
      className={size === 'large' ? 'avatar large' : 'avatar'}
      aria-hidden
      data-initials={initialsOf(name)}
    >
      {showImage ? (
        <img src={url} alt="" referrerPolicy="no-referrer" onError={() => setFailed(url)} />
      ) : (
        initialsOf(name)
      )}
      {online !== undefined && <span className={online ? 'dot online' : 'dot'} />}
    </span>
  );
}
