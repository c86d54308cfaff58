/**
 * "One URL" in front of several server processes, as a TCP load balancer gives it: each new
 * connection goes to the next backend in turn, and to the one after if that one refuses (a dead
 * process). No stickiness: an HTTP request or a WebSocket may land on any process.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface Balancer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** New connections go to these backends from now on (open ones stay where they are). */
  retarget(backends: readonly string[]): void;
  close(): Promise<void>;
}

/** Balances across `backends` (`http://127.0.0.1:<port>` URLs). */
export async function startBalancer(backends: readonly string[]): Promise<Balancer> {
  const portsOf = (urls: readonly string[]) => urls.map((backend) => Number(new URL(backend).port));
  let ports = portsOf(backends);
  const open = new Set<Socket>();
  let next = 0;

  function pipeTo(client: Socket, attempt: number): void {
    if (attempt >= ports.length) {
      client.destroy();
      return;
    }
    const port = ports[(next++ + ports.length) % ports.length] as number;
    const upstream = connect({ host: '127.0.0.1', port });
    open.add(upstream);
    let connected = false;
    upstream.once('error', () => {
      // Refused: a dead backend, try the next one (a relayed connection just closes, below).
      if (!connected) pipeTo(client, attempt + 1);
    });
    upstream.once('connect', () => {
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('close', () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
    client.once('close', () => {
      if (connected) upstream.destroy();
    });
  }

  const server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('error', () => undefined);
    client.once('close', () => open.delete(client));
    pipeTo(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    retarget(urls) {
      ports = portsOf(urls);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
