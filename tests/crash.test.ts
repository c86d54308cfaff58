import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A 2xx means the data is on disk: kill -9 the built server right after acknowledged writes,
 * start it again on the same data dir, and everything acknowledged is there.
 */
const cli = new URL('../packages/server/dist/cli.js', import.meta.url).pathname;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('Build first: the crash test runs packages/server/dist/cli.js');
  dataDir = await mkdtemp(join(tmpdir(), 'chatwire-crash-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** This test is about lowdb files: never let a DATABASE_URL from the environment send it elsewhere. */
function lowdbOnly(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, REDIS_URL: _redis, ...rest } = env;
  return rest;
}

async function start(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [cli], {
    env: {
      ...lowdbOnly(process.env),
      PORT: '0',
      CHATWIRE_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      BCRYPT_COST: '4',
      RATE_LIMIT_AUTH_PER_MINUTE: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 10_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
  });
  return { url, child };
}

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('crash safety', () => {
  it('loses nothing acknowledged when killed with SIGKILL right after each response', async () => {
    const account = { email: 'crash@example.com', password: 'Crash-test-1', displayName: 'Crash' };
    let server = await start();
    const registered = await post(`${server.url}/v1/auth/register`, account);
    expect(registered.status).toBe(201);
    await kill9(server.child);

    const acknowledged: string[] = [];
    let conversationId = '';
    for (let round = 0; round < 3; round += 1) {
      server = await start();
      const login = await post(`${server.url}/v1/auth/login`, account);
      expect(login.status).toBe(200);
      const token = login.body.tokens.accessToken as string;
      if (!conversationId) {
        // An assistant conversation: each send also stores the echo model's reply.
        const conversation = await post(`${server.url}/v1/conversations`, { type: 'assistant' }, token);
        expect(conversation.status).toBe(201);
        conversationId = conversation.body.id;
      }
      // Fire a burst and kill the process the moment the last response arrives.
      const sends = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
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
      await kill9(server.child);
    }

    server = await start();
    try {
      const login = await post(`${server.url}/v1/auth/login`, account);
      const token = login.body.tokens.accessToken as string;
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=100&cursor=${cursor}` : '?limit=100';
        const response = await fetch(`${server.url}/v1/conversations/${conversationId}/messages${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const page = (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
        for (const item of page.items) stored.add(item.id);
        cursor = page.nextCursor;
      } while (cursor);
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      expect(stored.size).toBe(acknowledged.length);
    } finally {
      await kill9(server.child);
    }
  });
});
