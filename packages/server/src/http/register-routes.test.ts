import { routes } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/start-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Served by plugins, not API routes: Swagger UI's assets, and CORS preflight. */
const notApi = (route: { method: string; url: string }) =>
  route.url === '/docs' || route.url.startsWith('/docs/') || route.method === 'OPTIONS' || route.method === 'HEAD';

describe('routes are registered from the contract', () => {
  it('registers every contract route', () => {
    const registered = new Set(server.app.registeredRoutes.map((route) => `${route.method} ${route.url}`));
    const missing = Object.values(routes)
      .map((route) => `${route.method} ${route.path}`)
      .filter((key) => !registered.has(key));
    expect(missing).toEqual([]);
  });

  it('registers no API route that is not in the contract', () => {
    const declared = new Set(Object.values(routes).map((route) => `${route.method} ${route.path}`));
    const extra = server.app.registeredRoutes
      .filter((route) => !notApi(route))
      .map((route) => `${route.method} ${route.url}`)
      .filter((key) => !declared.has(key));
    expect(extra).toEqual([]);
  });
});
