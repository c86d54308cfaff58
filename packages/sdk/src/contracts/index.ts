/**
 * The chatwire contracts: zod schemas for every resource, input, error and event, and the table
 * of REST routes. The server registers its routes from them and the client calls from them.
 *
 * @example
 * ```ts
 * import { routes, Message } from '@chatwire/sdk/contracts';
 * routes.sendMessage.path; // '/v1/conversations/:id/messages'
 * const message = Message.parse(json);
 * ```
 * @module contracts
 */
export * from './assistant.js';
export * from './client-frames.js';
export * from './emoji.js';
export * from './endpoints.js';
export * from './errors.js';
export * from './events.js';
export * from './files.js';
export * from './inputs.js';
export * from './limits.js';
export * from './parts.js';
export * from './password.js';
export * from './primitives.js';
export * from './resources.js';
export * from './route.js';
export * from './routes.js';
export * from './search.js';
export * from './thread-routes.js';
