/**
 * `buildApp(options)` → a ready Fastify instance with every contract route registered. Nothing
 * listens here: tests use a real port or `inject()`, the CLI calls `listen()`.
 *
 * The composition root, in the order things start: the edge (app-edge.ts), the seams
 * (app-seams.ts), the file use cases (app-files.ts), the other use cases with the reply pipeline
 * and the gateway (app-services.ts), the background work, the routes (app-routes.ts); and how
 * it all stops.
 */

import type { FastifyInstance } from 'fastify';
import { createEdge } from './app-edge.js';
import { createFileServices } from './app-files.js';
import { installRoutes } from './app-routes.js';
import { type AppSeams, openSeams } from './app-seams.js';
import { type AppServices, createServices } from './app-services.js';
import { type AppOptionsInput, resolveOptions } from './options.js';

/**
 * As closing begins (`preClose`, before sockets and requests drain) the replies under way stop
 * and the sweep does too; once everything drained (`onClose`) the reply pipeline's own work ends,
 * then the seams `buildApp` opened close (app-seams.ts).
 */
function closeInOrder(
  app: FastifyInstance,
  seams: AppSeams,
  services: Pick<AppServices, 'activeReplies' | 'assistants'>,
  stopUploadSweep: () => void,
): void {
  app.addHook('preClose', async () => {
    services.activeReplies.stopAll();
    stopUploadSweep();
  });
  app.addHook('onClose', async () => {
    services.assistants.close();
    await seams.close();
  });
}

/** Builds the chatwire server; close it with `app.close()` (storage is flushed). */
export async function buildApp(input: AppOptionsInput = {}): Promise<FastifyInstance> {
  const options = resolveOptions(input);
  const app = createEdge(options);
  const seams = await openSeams(options);
  const files = createFileServices(options, seams, app.log);
  const services = createServices(options, seams, files, app.log);
  const stopUploadSweep = files.sweep.start(options.uploads.sweepIntervalMs);
  void services.auth.warmUp();
  await installRoutes(app, options, { seams, files, services });
  closeInOrder(app, seams, services, stopUploadSweep);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app (method + url), in registration order. */
    registeredRoutes: readonly { method: string; url: string }[];
  }
}
