/**
 * `client.models`: the model aliases the server offers for assistant conversations.
 */

import type { RequestOptions, Transport } from '../client/transport.js';
import type { Model } from '../contracts/resources.js';

/**
 * Model aliases such as `fast` or `smart`, each mapped by the server to a provider and a model.
 *
 * @example
 * ```ts
 * const models = await client.models.list();
 * const preferred = models.find((model) => model.default)?.id;
 * ```
 */
export interface ModelsResource {
  /** Every alias the server offers; the one with `default: true` is used when none is named. */
  list(options?: RequestOptions): Promise<Model[]>;
}

/** Creates `client.models` over a transport. */
export function createModelsResource(transport: Transport): ModelsResource {
  return {
    list: async (options) => (await transport.request('listModels', { ...options })).items,
  };
}
