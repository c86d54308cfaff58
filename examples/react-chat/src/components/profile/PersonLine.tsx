import { useUser } from '@chatwire/react';

/** Someone's status line ("In Lisbon until Friday"), live; nothing when they have none. */
export function StatusLine({ userId }: { userId: string | null }) {
  const user = useUser(userId);
  if (!user?.statusText) return null;
  return <span className="status-line">{user.statusText}</span>;
}
