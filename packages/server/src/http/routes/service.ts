/**
 * Service routes: health, users, models.
 */
import type { ModelRegistry } from '../../providers/registry.js';
import type { createHealthCheck } from '../../services/health.js';
import type { createUserService } from '../../services/users.js';
import type { RouteHandlers } from '../handler.js';

type ServiceHandlers = Pick<RouteHandlers, 'health' | 'searchUsers' | 'listModels'>;

export function serviceHandlers(deps: {
  health: ReturnType<typeof createHealthCheck>;
  models: ModelRegistry;
  users: ReturnType<typeof createUserService>;
}): ServiceHandlers {
  return {
    health: async () => ({ status: 200, body: await deps.health() }),
    searchUsers: async ({ query }) => ({ status: 200, body: await deps.users.search(query) }),
    listModels: async () => ({ status: 200, body: { items: deps.models.list() } }),
  };
}
