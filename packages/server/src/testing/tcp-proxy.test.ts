import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy, targetOf } from './tcp-proxy.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An echo server on a free port: what the proxy forwards to. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { server, port: (server.address() as { port: number }).port };
}

async function proxyTo(port: number): Promise<TcpProxy> {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port });
  cleanups.push(() => proxy.close());
  return proxy;
}

/** Connects to the proxy; resolves with the socket and a promise of everything it reads until it closes. */
async function connect(port: number): Promise<{ socket: Socket; ended: Promise<string> }> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  let text = '';
  socket.on('data', (chunk) => {
    text += String(chunk);
  });
  const ended = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  await once(socket, 'connect');
  return { socket, ended };
}

/** Writes `text` and resolves with the first reply. */
async function roundTrip(socket: Socket, text: string): Promise<string> {
  const reply = once(socket, 'data');
  socket.write(text);
  return String((await reply)[0]);
}

describe('TCP proxy', () => {
  it('forwards both ways; a cut closes open connections and refuses new ones until restored', async () => {
    const { port } = await echoServer();
    const proxy = await proxyTo(port);

    const first = await connect(proxy.port);
    expect(await roundTrip(first.socket, 'hello')).toBe('hello');

    proxy.cut();
    expect(proxy.isCut).toBe(true);
    // The open connection is gone…
    await first.ended;
    expect(first.socket.destroyed).toBe(true);
    // …and a new one is closed at once, before anything gets through.
    const refused = await connect(proxy.port);
    refused.socket.write('anyone?');
    expect(await refused.ended).toBe('');

    proxy.restore();
    const again = await connect(proxy.port);
    expect(await roundTrip(again.socket, 'back')).toBe('back');
    again.socket.destroy();
  });

  it('rewrites a service URL to point at the proxy, keeping user, database and scheme', async () => {
    const proxy = await proxyTo(1);
    expect(proxy.urlFor('postgres://postgres@localhost:5432/test')).toBe(
      `postgres://postgres@127.0.0.1:${proxy.port}/test`,
    );
    expect(proxy.urlFor('redis://127.0.0.1:6379')).toBe(`redis://127.0.0.1:${proxy.port}`);
    expect(targetOf('redis://localhost', 6379)).toEqual({ host: 'localhost', port: 6379 });
    expect(targetOf('postgres://u@10.0.0.2:6543/db', 5432)).toEqual({ host: '10.0.0.2', port: 6543 });
  });
});
