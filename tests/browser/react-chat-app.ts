/**
 * examples/react-chat as users get it: built by Vite (against the packages' built `dist`), served
 * by `vite preview` with the app's own proxy config pointed at a test server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const example = fileURLToPath(new URL('../../examples/react-chat/', import.meta.url));
/** Vite is the example's dependency, not the workspace root's. */
const viteEntry = createRequire(join(example, 'package.json')).resolve('vite');

interface PreviewServer {
  resolvedUrls: { local: string[] } | null;
  close(): Promise<void>;
}
interface Logger {
  error(message: string, options?: { error?: Error | null }): void;
}
interface Vite {
  preview(config: object): Promise<PreviewServer>;
  createLogger(level: 'warn'): Logger;
}

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

/** Builds the app into a temp dir and serves it on 127.0.0.1 (a free port), proxying the API to `chatwireUrl`. */
export async function serveReactChat(chatwireUrl: string): Promise<ServedApp> {
  const outDir = await mkdtemp(join(tmpdir(), 'chatwire-react-chat-'));
  // A child process: a production build, whatever NODE_ENV the test runner set.
  const viteBin = join(viteEntry, '../../../bin/vite.js');
  await promisify(execFile)(process.execPath, [viteBin, 'build', '--outDir', outDir, '--emptyOutDir'], {
    cwd: example,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const vite = (await import(pathToFileURL(viteEntry).href)) as Vite;
  // Closing the browser resets the sockets the proxy holds: expected at teardown, not worth a log.
  const logger = vite.createLogger('warn');
  const logError = logger.error.bind(logger);
  logger.error = (message, options) => {
    if ((options?.error as NodeJS.ErrnoException | undefined)?.code !== 'ECONNRESET')
      logError(message, options);
  };
  const server = await vite.preview({
    root: example,
    customLogger: logger,
    build: { outDir },
    // Merged into vite.config.ts's proxy: only the target changes.
    preview: {
      host: '127.0.0.1',
      port: 0,
      proxy: { '/v1': { target: chatwireUrl }, '/health': { target: chatwireUrl } },
    },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview has no URL');
  return {
    url,
    async close() {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
