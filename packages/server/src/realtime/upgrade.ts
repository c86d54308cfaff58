/**
 * The HTTP side of `GET /v1/realtime`: which upgrades are refused (in the error envelope, before
 * the upgrade) and which are closed right after it, and the WebSocket server that takes the rest.
 * Raw `ws` with `noServer`: see gateway.ts.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@chatwire/sdk/contracts';
import { type WebSocket, WebSocketServer } from 'ws';
import { rawErrorResponse } from '../http/edge-errors.js';
import { CloseCode } from './close-codes.js';
import { originAllowed } from './origin.js';

/** The path of the contract's `realtime` route. */
export const realtimePath = '/v1/realtime';

function refuse(socket: Duplex, status: number, text: string): void {
  // The one error envelope, as every HTTP answer (a non-browser client reads it; browsers give a
  // page nothing of a failed upgrade, hence 1013 after the upgrade for a broker outage).
  const [code, message, headers]: [ErrorCode, string, Record<string, string>?] =
    status === 404
      ? ['not_found', `No WebSocket endpoint here: connect to ${realtimePath}`]
      : status === 403
        ? ['forbidden', 'This origin may not open a socket here (CORS_ORIGINS)']
        : status === 503
          ? ['unavailable', 'The server is shutting down: reconnect', { 'retry-after': '1' }]
          : ['bad_request', `${text}: send the access token in the auth frame, never in the URL`];
  socket.once('finish', () => socket.destroy());
  socket.end(rawErrorResponse(status, code, message, headers));
}

export interface UpgradeDeps {
  /** Largest frame a client may send; bigger ones are closed with 1009. */
  frameBytes: number;
  allowedOrigins: readonly string[];
  /** Whether the gateway is shutting down: upgrades are then refused (503) or closed (1001). */
  closing(): boolean;
  /** Whether events can reach a new socket (`Broker.available`). */
  available(): boolean;
  /** Takes an upgraded socket. */
  accept(ws: WebSocket): void;
}

/**
 * The server's `upgrade` listener for the gateway.
 *
 * @example
 * ```ts
 * const onUpgrade = createUpgradeHandler({ frameBytes, allowedOrigins, closing, available, accept });
 * app.server.on('upgrade', onUpgrade);
 * ```
 */
export function createUpgradeHandler(deps: UpgradeDeps) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: deps.frameBytes,
    // Compression costs ~300 KB of zlib state per socket and CPU per frame (ws #1617): off.
    perMessageDeflate: false,
    clientTracking: false,
  });

  /** Which refusal (status, text) an upgrade to our path gets, or `null` to accept it. */
  function refusal(request: IncomingMessage, url: URL): [number, string] | null {
    if (deps.closing()) return [503, 'Service Unavailable'];
    // Tokens in URLs end up in proxy and access logs: refuse, so that no client gets used to it.
    if (url.searchParams.has('token') || url.searchParams.has('access_token')) return [400, 'Bad Request'];
    if (!originAllowed(request.headers.origin, deps.allowedOrigins, request.headers.host))
      return [403, 'Forbidden'];
    return null;
  }

  return function onUpgrade(this: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== realtimePath) {
      // Another upgrade handler may own this path; with none, nobody would answer it.
      if (this.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
      return;
    }
    const refused = refusal(request, url);
    if (refused) {
      refuse(socket, ...refused);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      if (deps.closing()) {
        ws.close(CloseCode.goingAway, 'server shutting down');
        return;
      }
      // Events cannot reach a new socket while the broker is down (open ones stay and resume
      // or resync when it returns). After the upgrade, not a 503 before it: a browser shows the
      // page a close code and reason, never why an upgrade failed.
      if (!deps.available()) {
        ws.close(CloseCode.tryAgainLater, 'real-time delivery is briefly unavailable: reconnect later');
        return;
      }
      deps.accept(ws);
    });
  };
}
