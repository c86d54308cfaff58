import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { redisTestPrefix } from '@chatwire/server/testing';
import { describe, expect, it } from 'vitest';

/** The `chatwire-server` bin as a user runs it: bad configuration stops start-up with a clear message. */
const cli = new URL('../packages/server/dist/cli.js', import.meta.url).pathname;

/** What several processes must share (the CLI refuses REDIS_URL without it). */
const JWT_SECRET = 'cli-test-secret-that-is-long-enough-0123456';

function run(env: Record<string, string>, args: string[] = []) {
  if (!existsSync(cli)) throw new Error('Build first: this test runs packages/server/dist/cli.js');
  return spawnSync(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('chatwire-server', () => {
  it('refuses a wrong value, naming the variable', () => {
    const result = run({ PORT: 'not-a-port' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).not.toMatch(/at .+\.js:\d+/);
  });

  it('refuses malformed CHATWIRE_MODELS, naming it', () => {
    const result = run({ CHATWIRE_MODELS: '{"fast": {"provider": "nope"}}' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHATWIRE_MODELS');
  });

  it('exits non-zero in bounded time when PostgreSQL cannot be reached', () => {
    const started = Date.now();
    // Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    const result = run({ DATABASE_URL: 'postgres://postgres@127.0.0.1:9/test', PORT: '0' });
    expect(result.status).toBe(1);
    expect(result.stderr.toLowerCase()).toContain('postgres');
    expect(Date.now() - started).toBeLessThan(14_000);
  });

  it('exits non-zero in bounded time when Redis cannot be reached, naming it', () => {
    const started = Date.now();
    // Redis is opened before the database: the (equally unreachable) database is never tried.
    const result = run({
      REDIS_URL: 'redis://127.0.0.1:9',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:9/test',
      JWT_SECRET,
      PORT: '0',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Redis is unreachable/);
    expect(result.stderr).not.toMatch(/at .+\.js:\d+/);
    expect(Date.now() - started).toBeLessThan(14_000);
  });

  it('refuses several workers without PostgreSQL and Redis, and unknown arguments', () => {
    const workers = run({ PORT: '0' }, ['--workers', '2']);
    expect(workers.status).toBe(1);
    expect(workers.stderr).toContain('CHATWIRE_WORKERS: several processes cannot share lowdb files');
    const unknown = run({ PORT: '0' }, ['--wrokers=2']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('Unknown argument "--wrokers=2"');
    expect(unknown.stderr).toContain('Usage: chatwire-server');
  });

  it('refuses REDIS_URL without JWT_SECRET, alone or with --workers, naming it', () => {
    // Processes that each made their own secret would refuse each other's tokens behind a balancer.
    const env = {
      REDIS_URL: 'redis://127.0.0.1:9',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:9/test',
      PORT: '0',
    };
    for (const args of [[], ['--workers', '2']]) {
      const result = run(env, args);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('JWT_SECRET: required with REDIS_URL');
      expect(result.stderr).not.toMatch(/at .+\.js:\d+/);
    }
  });

  it.skipIf(!process.env.REDIS_URL)(
    'with --workers, a worker that cannot start stops them all: never a half-started server',
    async () => {
      const redisUrl = process.env.REDIS_URL ?? '';
      const { prefix, cleanup } = redisTestPrefix(redisUrl, 'cli:');
      try {
        const result = run(
          {
            REDIS_URL: redisUrl,
            CHATWIRE_REDIS_PREFIX: prefix,
            DATABASE_URL: 'postgres://postgres@127.0.0.1:9/test',
            JWT_SECRET,
            PORT: '0',
          },
          ['--workers=2'],
        );
        expect(result.status).toBe(1);
        expect(result.stderr.toLowerCase()).toContain('postgres');
        expect(result.stderr).toContain('a worker failed to start');
        expect(result.stdout).not.toContain('chatwire is ready');
      } finally {
        await cleanup();
      }
    },
  );

  it('says plainly when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = run({ PORT: String(port), CHATWIRE_DATA_DIR: `/tmp/chatwire-cli-test-${port}` });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`Port ${port} is already in use`);
    } finally {
      taken.close();
    }
  });
});
