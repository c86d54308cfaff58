#!/usr/bin/env node
/**
 * `chatwire-server`: environment → options → listen, with a graceful shutdown that stops running
 * replies (stored as `aborted`) and flushes storage.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { resolveModels } from './providers/registry.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await buildApp({ ...config.app, models: resolveModels(process.env) });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Plain text for people, whatever the log level: where to go next.
  console.log(
    `chatwire is ready: http://${config.host}:${port}  (API docs: http://${config.host}:${port}/docs)`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || (error instanceof Error && error.name === 'ModelConfigError')) {
    console.error(error.message);
  } else {
    console.error('chatwire-server failed to start:', error);
  }
  process.exit(1);
});
