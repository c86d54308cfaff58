#!/usr/bin/env node
/**
 * Starts the chatwire server (lowdb storage in ./.chatwire, the built-in echo model, the demo tools
 * `clock`, `calculator` and `set_reminder`) and the Vite dev server of the app, and stops both on
 * Ctrl+C. From the repository root:
 *
 *   npx -y pnpm@10 example:web     # builds the packages first, then runs this
 *
 * PORT (default 8787) is the chatwire server's port; the app is on Vite's (5173).
 * CHATWIRE_DEMO_TOOLS=0 starts the server without the demo tools.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const example = fileURLToPath(new URL('..', import.meta.url));
const serverCli = fileURLToPath(new URL('../../../packages/server/dist/cli.js', import.meta.url));
const port = process.env.PORT ?? '8787';
const chatwireUrl = `http://127.0.0.1:${port}`;

const server = spawn(process.execPath, [serverCli], {
  stdio: 'inherit',
  // The demo tools let the echo model call a tool (`calculator {"expression":"2+2"}`) with no API key.
  env: { LOG_LEVEL: 'warn', CHATWIRE_DEMO_TOOLS: '1', ...process.env, PORT: port, HOST: '127.0.0.1' },
});
let vite;
let stopping = false;

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await vite?.close();
  if (server.exitCode === null) {
    server.kill('SIGTERM'); // graceful: running replies are stored as stopped
    await new Promise((resolve) => server.once('exit', resolve));
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
server.on('exit', (code) => {
  if (!stopping) {
    console.error(`The chatwire server exited (code ${code}). Is port ${port} taken? Try PORT=8788.`);
    void stop(code ?? 1);
  }
});

/** The proxy needs the server up; it starts in well under a second. */
async function serverReady(timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`${chatwireUrl}/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return false;
}

if (await serverReady()) {
  process.env.CHATWIRE_URL = chatwireUrl; // read by vite.config.ts for its proxy
  vite = await createServer({ root: example });
  await vite.listen();
  vite.printUrls();
  console.log(`  chatwire server: ${chatwireUrl} (API docs at ${chatwireUrl}/docs). Ctrl+C stops both.`);
} else if (!stopping) {
  console.error(`The chatwire server did not answer on ${chatwireUrl}/health.`);
  await stop(1);
}
