/**
 * The client every hook uses, given once near the root of the tree.
 */
import type { ChatwireClient } from '@chatwire/sdk';
import { createContext, type ReactNode, useContext } from 'react';

const ClientContext = createContext<ChatwireClient | null>(null);

/**
 * Makes `client` available to every chatwire hook below it.
 *
 * @example
 * ```tsx
 * const client = createClient({ baseUrl: 'https://chat.example.com', tokenStore: localStorageTokenStore() });
 * root.render(<ChatwireProvider client={client}><App /></ChatwireProvider>);
 * ```
 */
export function ChatwireProvider(props: { client: ChatwireClient; children?: ReactNode }) {
  return <ClientContext.Provider value={props.client}>{props.children}</ClientContext.Provider>;
}

/** The client given to the nearest {@link ChatwireProvider}. */
export function useChatwireClient(): ChatwireClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('chatwire hooks need a <ChatwireProvider client={…}> above them');
  return client;
}
