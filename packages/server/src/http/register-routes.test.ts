import { routes } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { publishesEvents } from './register-routes.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Served by plugins, not API routes: Swagger UI's assets, and CORS preflight. */
const notApi = (route: { method: string; url: string }) =>
  route.url === '/docs' ||
  route.url.startsWith('/docs/') ||
  route.method === 'OPTIONS' ||
  route.method === 'HEAD';

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

describe('routes refused while the broker is down', () => {
  it('are the signed-in writes, whose events other users wait for; not auth, not reads', () => {
    const gated = Object.entries(routes)
      .filter(([, route]) => publishesEvents(route))
      .map(([name]) => name)
      .sort();
    expect(gated).toEqual(
      [
        'addParticipants',
        'addReaction',
        'approveToolCall',
        'createConversation',
        'deleteConversation',
        'deleteMe',
        'deleteMessage',
        'editMessage',
        'markRead',
        'pinMessage',
        'regenerate',
        'removeParticipant',
        'removeReaction',
        'sendMessage',
        'setParticipantRole',
        'stopMessage',
        'submitToolResult',
        'unpinMessage',
        'updateConversation',
        'updateMe',
      ].sort(),
    );
  });

  it('spares the signed-in writes that announce nothing, by their contract (`events: false`)', () => {
    const exempt = Object.entries(routes)
      .filter(([, route]) => 'events' in route && route.events === false)
      .map(([name]) => name)
      .sort();
    expect(exempt).toEqual(['changePassword', 'completeDirectUpload', 'createDirectUpload', 'uploadFile']);
  });
});

describe('/openapi.json', () => {
  it('documents every contract route, and every $ref resolves', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
    const document: any = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(document.openapi).toBe('3.1.0');
    for (const [name, route] of Object.entries(routes)) {
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(operation?.operationId, name).toBe(name);
    }
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(document.components.schemas, ref).toHaveProperty([ref as string]);
    expect(document.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe('/v1/auth/token');
  });

  it('documents the upload as multipart with a binary file field, and the download as bytes', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
    const document: any = await (await fetch(`${server.url}/openapi.json`)).json();
    const uploadFile = document.paths['/v1/uploads'].post;
    expect(uploadFile.requestBody.content['multipart/form-data'].schema).toMatchObject({
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    });
    expect(uploadFile.responses['201'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/UploadedFile',
    );
    const downloadFile = document.paths['/v1/files/{id}/content'].get;
    expect(downloadFile.responses['200'].content).toEqual({
      'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
    });
    // A bearer token, or none (a signed URL in the query).
    expect(downloadFile.security).toContainEqual({});
    expect(downloadFile.security).toContainEqual({ bearerAuth: [] });
    expect(downloadFile.parameters.map((p: { name: string }) => p.name)).toEqual([
      'id',
      'expires',
      'signature',
    ]);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await fetch(`${server.url}/docs/`, { redirect: 'follow' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger');
  });
});
