import { useCallback, useSyncExternalStore } from 'react';

/** The open conversation lives in the URL (`#/c/<id>`): reloads and the back button keep it. */
const read = () => /^#\/c\/([\w-]+)$/.exec(window.location.hash)?.[1] ?? null;
const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export function useOpenConversation(): [string | null, (id: string | null) => void] {
  const id = useSyncExternalStore(subscribe, read);
  const open = useCallback((next: string | null) => {
    window.location.hash = next ? `#/c/${next}` : '';
  }, []);
  return [id, open];
}
