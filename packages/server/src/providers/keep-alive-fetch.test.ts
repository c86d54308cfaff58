import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveFetch } from './keep-alive-fetch.js';

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** A real server on 127.0.0.1 answering with `handler`; counts the TCP connections it accepted. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const connections = { count: 0, sockets: [] as Socket[] };
  server = createServer(async (request, response) => {
    for await (const _ of request);
    handler(request, response);
  });
  server.on('connection', (socket) => {
    connections.count += 1;
    connections.sockets.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections };
}

const post = (url: string, init: RequestInit = {}) =>
  keepAliveFetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', stream: true }),
    ...init,
  });

describe('keepAliveFetch', () => {
  it('answers as fetch does: status, headers, the body as a stream, the request as sent', async () => {
    let seen: { method?: string; type?: string; length?: string } = {};
    const { url } = await serve((request, response) => {
      seen = {
        method: request.method,
        type: request.headers['content-type'],
        length: request.headers['content-length'],
      };
      response.writeHead(429, { 'retry-after': '20', 'content-type': 'application/json' });
      response.end('{"error":{"message":"slow down é"}}');
    });
    const response = await post(url);
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.headers.get('retry-after')).toBe('20');
    expect(await response.json()).toEqual({ error: { message: 'slow down é' } });
    expect(seen).toEqual({
      method: 'POST',
      type: 'application/json',
      length: String(Buffer.byteLength(JSON.stringify({ model: 'm', stream: true }))),
    });
  });

  it('sends one request after another on one connection', async () => {
    const { url, connections } = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('data: [DONE]\n\n');
    });
    for (let n = 0; n < 3; n += 1) expect(await (await post(url)).text()).toBe('data: [DONE]\n\n');
    expect(connections.count).toBe(1);
  });

  it('decodes a body the server compressed', async () => {
    const { url } = await serve((_, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end(gzipSync('data: hello\n\n'));
    });
    expect(await (await post(url)).text()).toBe('data: hello\n\n');
  });

  it('aborted while the body streams: the read fails and the connection is closed', async () => {
    let closed: Promise<unknown> | undefined;
    const { url } = await serve((request, response) => {
      closed = once(request.socket, 'close');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    });
    const controller = new AbortController();
    const response = await post(url, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    const next = reader.read();
    controller.abort();
    await expect(next).rejects.toThrow();
    await closed;
  });

  it('aborted before the answer: rejects with the abort reason', async () => {
    const { url } = await serve(() => {
      // Never answers.
    });
    const controller = new AbortController();
    const pending = post(url, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stopped')), 20);
    await expect(pending).rejects.toThrow('stopped');
  });

  it('a refused connection rejects as fetch does: a TypeError with the socket error as cause', async () => {
    const { url } = await serve(() => undefined);
    server!.close();
    await once(server!, 'close');
    server = undefined;
    const error = await post(url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });

  it('a kept connection the server closed while idle: the request goes again on a new one', async () => {
    let answered = 0;
    const { url, connections } = await serve((_, response) => {
      answered += 1;
      response.end('ok');
    });
    expect(await (await post(url)).text()).toBe('ok');
    // The server drops its idle connections without a word (as one past its keep-alive timeout).
    for (const socket of connections.sockets) socket.resetAndDestroy();
    expect(await (await post(url)).text()).toBe('ok');
    expect(answered).toBe(2);
    expect(connections.count).toBe(2);
  });
});
