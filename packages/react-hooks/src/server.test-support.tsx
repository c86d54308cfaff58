/**
 * Hooks tests against a real in-process server: signed-in clients whose sockets a test can cut,
 * and a render helper with the provider.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type ChatStoreOptions,
  type ChatwireClient,
  type ClientOptions,
  createClient,
  type User,
  type WebSocketLike,
} from '@chatwire/sdk';
import type { AppOptionsInput } from '@chatwire/server';
import { newAccount, startTestServer, type TestServer } from '@chatwire/server/testing';
import { render, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';

export type { TestServer };

/**
 * A real server for happy-dom, whose `fetch` is a browser's: the page (http://localhost:3000)
 * is another origin, so the server allows it by CORS, as a deployment serving a web app would.
 */
export const startServer = (options: AppOptionsInput = {}) =>
  startTestServer({ corsOrigins: ['*'], ...options });

import { ChatwireProvider } from './provider.js';

type NodeSocket = WebSocketLike & { terminate(): void };
type NodeSocketConstructor = new (url: string, options?: object) => NodeSocket;

// Node's `ws` (the server's copy), opened by us so that a test can cut a socket off (`terminate`:
// no close frame, what a lost network looks like). happy-dom's own WebSocket is not used.
// `import.meta.url` is an http: URL under happy-dom; `filename` stays the file's path.
const requireFromServer = createRequire(join(dirname(import.meta.filename), '../../server/package.json'));
const { WebSocket: NodeWebSocket } = requireFromServer('ws') as { WebSocket: NodeSocketConstructor };

export interface TestUser {
  client: ChatwireClient;
  user: User;
  /** Every socket the client opened, the newest last. */
  sockets: NodeSocket[];
}

/** A client that signs up a new account on `baseUrl`. */
export async function signUp(
  baseUrl: string,
  name = 'user',
  options: Partial<ClientOptions> = {},
): Promise<TestUser & { account: ReturnType<typeof newAccount> }> {
  const client = createClient({ baseUrl, retry: { maxRetries: 0 }, ...options });
  const account = newAccount(name);
  const { user } = await client.auth.register(account);
  return { client, user, sockets: [], account };
}

/** Another client (a second tab, a reloaded page) signed in as the same person. */
export async function signInAgain(
  baseUrl: string,
  account: { email: string; password: string },
): Promise<TestUser> {
  const client = createClient({ baseUrl, retry: { maxRetries: 0 } });
  const { user } = await client.auth.login(account);
  return { client, user, sockets: [] };
}

/** Every value a hook returned, render by render: to see states that did not last (`sending`). */
export function recording<Result>(hook: () => Result): { hook: () => Result; renders: Result[] } {
  const renders: Result[] = [];
  return {
    renders,
    hook: () => {
      const result = hook();
      renders.push(result);
      return result;
    },
  };
}

/** Store options for tests: sockets through `ws`, fast reconnects. */
export function storeOptions(user: TestUser, extra: ChatStoreOptions = {}): ChatStoreOptions {
  return {
    throttleMs: 20,
    realtime:
      extra.realtime === false
        ? false
        : {
            reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
            ...extra.realtime,
            webSocketFactory: (url) => {
              const socket = new NodeWebSocket(url, { perMessageDeflate: false });
              user.sockets.push(socket);
              return socket;
            },
          },
    ...(extra.throttleMs !== undefined && { throttleMs: extra.throttleMs }),
  };
}

export function wrapperFor(user: TestUser, extra?: ChatStoreOptions) {
  const options = storeOptions(user, extra);
  return ({ children }: { children?: ReactNode }) => (
    <ChatwireProvider client={user.client} options={options}>
      {children}
    </ChatwireProvider>
  );
}

/** `renderHook` under a provider for `user`. */
export function renderFor<Props, Result>(
  user: TestUser,
  hook: (props: Props) => Result,
  options: { initialProps?: Props; store?: ChatStoreOptions } = {},
) {
  return renderHook(hook, {
    wrapper: wrapperFor(user, options.store),
    initialProps: options.initialProps as Props,
  });
}

export { render };
