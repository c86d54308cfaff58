/**
 * Is this server well: whether storage and the broker answer now, and what they are (`/health`).
 */
import type { Health } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { Store } from '../store/store.js';

export interface HealthDeps {
  store: Pick<Store, 'ping' | 'kind'>;
  broker: Pick<Broker, 'ping' | 'kind'>;
  /** Where uploads' bytes live (`disk`, `s3`). */
  files?: { readonly kind: string };
  version: string;
  /** When the server started, ms since the epoch. */
  startedAt: number;
}

export function createHealthCheck(deps: HealthDeps) {
  return async function health(): Promise<Health> {
    const [storageUp, brokerUp] = await Promise.all([deps.store.ping(), deps.broker.ping()]);
    return {
      status: storageUp && brokerUp ? 'ok' : 'degraded',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      storage: storageUp ? deps.store.kind : `${deps.store.kind} (down)`,
      broker: brokerUp ? deps.broker.kind : `${deps.broker.kind} (down)`,
      ...(deps.files ? { files: deps.files.kind } : {}),
    };
  };
}
