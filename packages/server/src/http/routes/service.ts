/**
 * Service routes: health, users, models.
 */
import type { Broker } from '../../broker/broker.js';
import type { ModelRegistry } from '../../providers/registry.js';
import type { createUserService } from '../../services/users.js';
import type { Store } from '../../store/store.js';
import type { RouteHandlers } from '../handler.js';

type ServiceHandlers = Pick<RouteHandlers, 'health' | 'searchUsers' | 'listModels'>;

export function serviceHandlers(deps: {
  store: Store;
  broker: Broker;
  models: ModelRegistry;
  users: ReturnType<typeof createUserService>;
  version: string;
  startedAt: number;
}): ServiceHandlers {
  return {
    health: async () => {
      const [storageUp, brokerUp] = await Promise.all([deps.store.ping(), deps.broker.ping()]);
      return {
        status: 200,
        body: {
          status: storageUp && brokerUp ? 'ok' : 'degraded',
          version: deps.version,
          uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
          storage: storageUp ? deps.store.kind : `${deps.store.kind} (down)`,
          broker: brokerUp ? deps.broker.kind : `${deps.broker.kind} (down)`,
        },
      };
    },
    searchUsers: async ({ query }) => ({ status: 200, body: await deps.users.search(query) }),
    listModels: async () => ({ status: 200, body: { items: deps.models.list() } }),
  };
}
