import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** The chatwire server the app talks to; `scripts/start.mjs` sets it to the server it starts. */
const target = process.env.CHATWIRE_URL ?? 'http://127.0.0.1:8787';

/**
 * The chatwire server refuses WebSocket upgrades from browser origins missing from its
 * `CORS_ORIGINS`. Through this proxy the page and the API share one origin, so the proxy vouches
 * for its own pages: it drops `Origin` when it is the proxy's own (the server then relies on the
 * access token alone, as for any non-browser client) and passes other origins on, to be refused.
 */
const vouchForOwnPages: ProxyOptions['configure'] = (proxy) => {
  proxy.on('proxyReqWs', (proxyReq, req) => {
    const { origin, host } = req.headers;
    if (origin && URL.canParse(origin) && new URL(origin).host === host) proxyReq.removeHeader('origin');
  });
};

/**
 * The app calls its own origin and Vite forwards the API: no CORS to set up. `ws: true` forwards
 * the WebSocket at `/v1/realtime`; server-sent events (streaming replies) pass through as they come.
 */
const proxy: Record<string, ProxyOptions> = {
  '/v1': { target, ws: true, configure: vouchForOwnPages },
  '/health': { target },
};

export default defineConfig({
  plugins: [react()],
  // `@chatwire/*` resolve to the packages' built `dist` (their package.json `exports`), as they
  // would for an app that installed them; one React for the app and `@chatwire/react`.
  resolve: { dedupe: ['react', 'react-dom'] },
  server: { proxy },
  preview: { proxy },
});
