/**
 * React hooks for chatwire, built on `@chatwire/sdk`.
 *
 * @example
 * ```tsx
 * import { ChatwireProvider, useChat } from '@chatwire/react';
 * ```
 * @module
 */
export { ChatwireProvider, useChatwireClient } from './provider.js';
