/**
 * Which WebSocket to use, and where. Browsers, Deno, Bun and Node ≥ 22 have a global
 * `WebSocket`; Node 20 has none, so there the `ws` package is loaded — by a dynamic import, made
 * only when no global exists, so that browser bundles never include it.
 */

/**
 * The part of the WHATWG `WebSocket` the connection uses; the native one and `ws` both have it.
 * A test passes a fake of this shape through `webSocketFactory`.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Opens a socket to `url` (a `ws:` or `wss:` URL). */
export type WebSocketFactory = (url: string) => WebSocketLike | Promise<WebSocketLike>;

type WebSocketConstructor = new (url: string, options?: { perMessageDeflate: boolean }) => WebSocketLike;
type WsModule = { WebSocket?: WebSocketConstructor; default?: WebSocketConstructor };

/**
 * The URL of the gateway: `baseUrl` (resolved against the page for a relative one such as `/api`)
 * with http→ws, https→wss, and the path `/v1/realtime`. Tokens never go in it: URLs end up in logs.
 */
export function realtimeUrl(baseUrl: string, page: string | undefined = globalThis.location?.href): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/v1/realtime`, page);
  url.protocol = /^(https|wss):$/.test(url.protocol) ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * Imports `ws`. The `.catch` right on the `import()` tells bundlers (esbuild, Vite) that a missing
 * `ws` is handled at run time, so a browser build succeeds without it; the literal specifier lets
 * Node bundles keep it external.
 */
const importWs = (): Promise<WsModule> =>
  import('ws' as string).catch((error: unknown) => {
    throw error;
  });

/** The default factory: the global `WebSocket` if there is one, else `ws` (`loadWs` is for tests). */
export function defaultWebSocketFactory(loadWs: () => Promise<WsModule> = importWs): WebSocketFactory {
  let wsConstructor: Promise<WebSocketConstructor> | undefined;
  return async (url) => {
    const Native = globalThis.WebSocket;
    // The DOM type of the native handlers (`MessageEvent`, …) is wider than WebSocketLike's.
    if (typeof Native === 'function') return new Native(url) as unknown as WebSocketLike;
    wsConstructor ??= loadWs().then(
      (module) => {
        const WsWebSocket = module.WebSocket ?? module.default;
        if (!WsWebSocket) throw new TypeError('the module has no WebSocket export');
        return WsWebSocket;
      },
      (error: unknown) => {
        throw new TypeError(
          'This runtime has no global WebSocket: install the `ws` package (npm install ws), or pass webSocketFactory to realtime()',
          { cause: error },
        );
      },
    );
    // Compression off: it costs memory per socket on both ends for little gain on small frames.
    return new (await wsConstructor)(url, { perMessageDeflate: false });
  };
}
