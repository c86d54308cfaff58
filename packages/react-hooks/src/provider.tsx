/**
 * The client every hook uses, given once near the root of the tree, and the one store per client
 * that all hooks share.
 */
import { type ChatStore, type ChatStoreOptions, type ChatwireClient, createChatStore } from '@chatwire/sdk';
import { createContext, type ReactNode, useContext, useEffect, useMemo } from 'react';

const StoreContext = createContext<ChatStore | null>(null);

/**
 * One store per client, whatever the number of providers: two providers given the same client
 * (a second React root, a portal tree) show the same state, and a stream is applied once.
 */
const stores = new WeakMap<ChatwireClient, ChatStore>();

function storeFor(client: ChatwireClient, options: ChatStoreOptions | undefined): ChatStore {
  let store = stores.get(client);
  if (!store) {
    store = createChatStore(client, options);
    stores.set(client, store);
  }
  return store;
}

/** Props of {@link ChatwireProvider}. */
export interface ChatwireProviderProps {
  /** The client, from `createClient`. Create it once, outside rendering. */
  client: ChatwireClient;
  /**
   * Options of the store made for this client (read when the first provider of the client mounts):
   * `throttleMs` (default 50) caps re-renders while a reply streams; `realtime: false` opens no
   * WebSocket; `tools`, the client tools every chat's replies may call (see `clientTool`); page
   * sizes; timers.
   */
  options?: ChatStoreOptions;
  children?: ReactNode;
}

/**
 * Makes `client` available to every chatwire hook below it. It owns the client's store, which
 * checks the stored session and, once signed in, opens the real-time connection (in an effect:
 * nothing runs during a server render).
 *
 * @example
 * ```tsx
 * import { createClient, localStorageTokenStore } from '@chatwire/sdk';
 * import { ChatwireProvider } from '@chatwire/react';
 *
 * const client = createClient({ baseUrl: 'https://chat.example.com', tokenStore: localStorageTokenStore() });
 * root.render(
 *   <ChatwireProvider client={client} options={{ throttleMs: 50 }}>
 *     <App />
 *   </ChatwireProvider>,
 * );
 * ```
 */
export function ChatwireProvider({ client, options, children }: ChatwireProviderProps) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: options only matter for the first store of a client.
  const store = useMemo(() => storeFor(client, options), [client]);
  useEffect(() => store.start(), [store]);
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/**
 * The store of the nearest {@link ChatwireProvider}: for reading state the hooks do not cover.
 *
 * @example
 * ```tsx
 * const store = useChatStore();
 * const onLogoClick = () => store.loadConversations();
 * ```
 */
export function useChatStore(): ChatStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('chatwire hooks need a <ChatwireProvider client={…}> above them');
  return store;
}

/**
 * The client given to the nearest {@link ChatwireProvider}.
 *
 * @example
 * ```tsx
 * const client = useChatwireClient();
 * const models = await client.models.list();
 * ```
 */
export function useChatwireClient(): ChatwireClient {
  return useChatStore().client;
}
