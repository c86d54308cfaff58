/**
 * zod for the journeys' client tools: the SDK's copy (the root has none), as an app brings its own.
 * The SDK only reads a schema's Standard Schema face, so another copy of zod is as good as the app's.
 */
import { createRequire } from 'node:module';

const requireFromSdk = createRequire(new URL('../../packages/sdk/package.json', import.meta.url));

export const { z } = requireFromSdk('zod') as typeof import('zod');
export const zodMini = requireFromSdk('zod/mini') as typeof import('zod/mini');
