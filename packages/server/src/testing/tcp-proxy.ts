/**
 * A TCP proxy for outage tests: clients (a pg pool, a node-redis client) connect to the proxy,
 * which forwards to the real service. `cut()` makes the service look down without touching it —
 * the PostgreSQL and Redis on the test machine are shared and must never be stopped.
 *
 * A cut proxy still listens, so its port stays ours, but closes every connection the moment it
 * is accepted: to a client that looks like a service that went away (a reset or an immediately
 * ended connection), and it fails fast instead of hanging until a timeout.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** Whether the proxy is cut. */
  readonly isCut: boolean;
  /** `url` with its host and port replaced by the proxy's: `redis://127.0.0.1:6379` → `redis://127.0.0.1:<port>`. */
  urlFor(url: string): string;
  /** Destroys every open connection (both sides); new ones are closed at once until `restore()`. */
  cut(): void;
  /** Accepts and forwards connections again. */
  restore(): void;
  /** Cuts, then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 (a free port) that forwards to `target`.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
 * const broker = await createRedisBroker({ url: proxy.urlFor(process.env.REDIS_URL!) });
 * proxy.cut(); // Redis "goes down"
 * proxy.restore();
 * await proxy.close();
 * ```
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let cut = false;
  /** Every live socket, client side and service side, so that a cut reaches all of them. */
  const open = new Set<Socket>();
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    track(client);
    const upstream = createConnection(target);
    track(upstream);
    // A failure on either side ends both: the client sees the service go away.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  const port = address.port;

  const destroyAll = (): void => {
    for (const socket of open) socket.destroy();
    open.clear();
  };

  return {
    port,
    get isCut() {
      return cut;
    },
    urlFor(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut() {
      cut = true;
      destroyAll();
    },
    restore() {
      cut = false;
    },
    async close() {
      cut = true;
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `redis://host:port/…` → `{ host, port }`, with the scheme's default port when none is given. */
export function targetOf(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : defaultPort };
}
