import { describe, expect, it } from 'vitest';
import { endpoints } from './endpoints.js';
import { routes } from './routes.js';

describe('endpoints', () => {
  it('are exactly the run-time part of every route contract', () => {
    expect(Object.keys(endpoints).sort()).toEqual(Object.keys(routes).sort());
    for (const [name, route] of Object.entries(routes)) {
      const { method, path, auth } = route;
      const bodyType = 'bodyType' in route ? route.bodyType : undefined;
      const websocket = 'websocket' in route ? route.websocket : undefined;
      const binary = 'binary' in route ? route.binary : undefined;
      expect(endpoints[name as keyof typeof endpoints], name).toEqual({
        method,
        path,
        auth,
        ...(bodyType ? { bodyType } : {}),
        ...(websocket ? { websocket } : {}),
        ...(binary ? { binary } : {}),
      });
    }
  });
});
