import { useChatwireClient } from '@chatwire/react';
import type { ChatMessage, Message } from '@chatwire/sdk';
import { useEffect, useState } from 'react';

/**
 * The pinned messages at the top of a chat, newest pin first. Read from the server
 * (`conversations.pins`) and again whenever a loaded message is pinned or unpinned — pins arrive
 * live as `message.updated`, which the store applies to the loaded messages.
 */
export function PinnedBar({
  conversationId,
  messages,
}: {
  conversationId: string;
  messages: readonly ChatMessage[];
}) {
  const client = useChatwireClient();
  const [pins, setPins] = useState<Message[]>([]);
  // What the loaded messages say is pinned: a change of it (any device, anyone) reloads the bar.
  const pinnedHere = messages
    .filter((message) => message.pinnedAt !== null)
    .map((message) => message.id)
    .join(',');
  // `pinnedHere` is the trigger, not an input: the bar reloads when the pins change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the pins change
  useEffect(() => {
    let current = true;
    client.conversations
      .pins(conversationId)
      .then(({ items }) => current && setPins(items))
      .catch(() => current && setPins([]));
    return () => {
      current = false;
    };
  }, [client, conversationId, pinnedHere]);
  if (pins.length === 0) return null;
  return (
    <section className="pinned-bar" aria-label="Pinned messages">
      <span className="pinned-label">📌 Pinned</span>
      <ol>
        {pins.map((pin) => (
          <li key={pin.id} className="pinned">
            {pin.content || 'A file'}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The pin toggle in a message's menu. */
export function PinButton({ pinned, onToggle }: { pinned: boolean; onToggle(): void }) {
  return (
    <button type="button" className="link pin" aria-pressed={pinned} onClick={onToggle}>
      {pinned ? 'Unpin' : 'Pin'}
    </button>
  );
}
