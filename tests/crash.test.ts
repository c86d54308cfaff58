import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServerProcess } from './support/server-process.js';

/**
 * A 2xx means the data is on disk: kill -9 the built server right after acknowledged writes,
 * start it again on the same data dir, and everything acknowledged is there. The server gets only
 * PATH and the data dir (no DATABASE_URL / REDIS_URL from the environment): it is about lowdb files.
 */
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chatwire-crash-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const start = () => startServerProcess({ CHATWIRE_DATA_DIR: dataDir });

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('crash safety', () => {
  it('loses nothing acknowledged when killed with SIGKILL right after each response', async () => {
    const account = { email: 'crash@example.com', password: 'Crash-test-1', displayName: 'Crash' };
    let server = await start();
    const registered = await post(`${server.url}/v1/auth/register`, account);
    expect(registered.status).toBe(201);
    await server.stop('SIGKILL');

    const acknowledged: string[] = [];
    // Ten assistant conversations: one conversation's turns take turns, ten run side by side.
    let conversationIds: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      server = await start();
      const login = await post(`${server.url}/v1/auth/login`, account);
      expect(login.status).toBe(200);
      const token = login.body.tokens.accessToken as string;
      if (conversationIds.length === 0) {
        // Assistant conversations: each send also stores the echo model's reply.
        const created = await Promise.all(
          Array.from({ length: 10 }, () =>
            post(`${server.url}/v1/conversations`, { type: 'assistant' }, token),
          ),
        );
        for (const conversation of created) expect(conversation.status).toBe(201);
        conversationIds = created.map((conversation) => conversation.body.id);
      }
      // Fire a burst and kill the process the moment the last response arrives.
      const sends = await Promise.all(
        conversationIds.map((conversationId, i) =>
          post(
            `${server.url}/v1/conversations/${conversationId}/messages`,
            { content: `round ${round} #${i}` },
            token,
          ),
        ),
      );
      for (const send of sends) {
        expect(send.status).toBe(201);
        acknowledged.push(send.body.message.id, send.body.reply.id);
      }
      await server.stop('SIGKILL');
    }

    server = await start();
    try {
      const login = await post(`${server.url}/v1/auth/login`, account);
      const token = login.body.tokens.accessToken as string;
      const stored = new Set<string>();
      for (const conversationId of conversationIds) {
        const response = await fetch(`${server.url}/v1/conversations/${conversationId}/messages?limit=100`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const page = (await response.json()) as { items: { id: string }[] };
        for (const item of page.items) stored.add(item.id);
      }
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      expect(stored.size).toBe(acknowledged.length);
    } finally {
      await server.stop('SIGKILL');
    }
  });

  it('loses nothing acknowledged when killed with SIGKILL in the middle of a flood of pipelined sends', async () => {
    // Sends of one socket are pipelined, and their appends grouped into shared writes: an `ack`
    // still means on disk, and what is stored is the sends in the order they were made.
    const floodDir = await mkdtemp(join(tmpdir(), 'chatwire-crash-flood-'));
    const env = {
      CHATWIRE_DATA_DIR: floodDir,
      RATE_LIMIT_WS_FRAMES_PER_SECOND: '100000',
      RATE_LIMIT_WS_FRAME_BURST: '100000',
    };
    let server = await startServerProcess(env);
    try {
      const [ada, bob] = await Promise.all(
        ['ada', 'bob'].map(async (name) => {
          const body = { email: `${name}-flood@example.com`, password: 'Crash-test-1', displayName: name };
          return (await post(`${server.url}/v1/auth/register`, body)).body;
        }),
      );
      const token = ada.tokens.accessToken as string;
      const conversation = await post(
        `${server.url}/v1/conversations`,
        { type: 'direct', participantIds: [bob.user.id] },
        token,
      );
      const conversationId = conversation.body.id as string;

      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/realtime`);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      const acknowledged: string[] = [];
      let killed: Promise<unknown> | null = null;
      const ready = new Promise<void>((resolve) => {
        socket.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          if (frame.type === 'ready') resolve();
          if (frame.type !== 'ack') return;
          acknowledged.push(frame.message.content);
          // The moment 60 acks are in, with sends still in flight behind them.
          if (acknowledged.length === 60) killed = server.stop('SIGKILL');
        });
      });
      socket.on('error', () => undefined);
      socket.send(JSON.stringify({ type: 'auth', token }));
      await ready;
      const sent = Array.from({ length: 150 }, (_, i) => `flood ${i}`);
      for (const [i, content] of sent.entries())
        socket.send(
          JSON.stringify({ type: 'message.send', conversationId, clientMessageId: `f${i}`, content }),
        );
      await new Promise((resolve) => socket.once('close', resolve));
      await killed;
      // Acks arrive in the order sent.
      expect(acknowledged).toEqual(sent.slice(0, acknowledged.length));

      server = await startServerProcess(env);
      const login = await post(`${server.url}/v1/auth/login`, {
        email: 'ada-flood@example.com',
        password: 'Crash-test-1',
      });
      const stored: string[] = [];
      let cursor: string | null = null;
      do {
        const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const response = await fetch(
          `${server.url}/v1/conversations/${conversationId}/messages?limit=100${query}`,
          { headers: { authorization: `Bearer ${login.body.tokens.accessToken}` } },
        );
        const page = (await response.json()) as { items: { content: string }[]; nextCursor: string | null };
        stored.unshift(...page.items.map((item) => item.content));
        cursor = page.nextCursor;
      } while (cursor);
      // Everything acknowledged, and nothing out of order: a prefix of the sends.
      expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length);
      expect(stored).toEqual(sent.slice(0, stored.length));
    } finally {
      await server.stop('SIGKILL');
      await rm(floodDir, { recursive: true, force: true });
    }
  });
});
