import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redisTestPrefix } from '@chatwire/server/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from './support/server-process.js';

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

describe('chatwire-server --tools', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatwire-cli-tools-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A tools module as a user writes one, outside the repository: the built package and zod by URL.
  const server = pathToFileURL(new URL('../packages/server/dist/index.js', import.meta.url).pathname).href;
  const zod = pathToFileURL(
    join(
      dirname(createRequire(new URL('../packages/server/', import.meta.url)).resolve('zod/package.json')),
      'index.js',
    ),
  ).href;
  const module = (name: string, body: string) => {
    const file = join(dir, name);
    writeFileSync(
      file,
      `import { defineTool } from ${JSON.stringify(server)};\nimport * as z from ${JSON.stringify(zod)};\n${body}\n`,
    );
    return file;
  };
  const weather = `export const weather = defineTool({
  name: 'weather',
  description: 'The weather in a city',
  input: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, sky: 'clear' }),
});`;

  it('starts with the tools of an ES module (--tools, or CHATWIRE_TOOLS with the demo tools)', async () => {
    const tools = module('tools.mjs', weather);
    for (const [env, args, listed] of [
      [{}, ['--tools', tools], 'tools: weather'],
      [
        { CHATWIRE_TOOLS: tools, CHATWIRE_DEMO_TOOLS: '1' },
        [],
        'tools: clock, calculator, set_reminder, weather',
      ],
    ] as const) {
      const dataDir = mkdtempSync(join(dir, 'data-'));
      const process = await startServerProcess({ CHATWIRE_DATA_DIR: dataDir, ...env }, args);
      try {
        expect((await fetch(`${process.url}/health`)).status).toBe(200);
        expect(process.output()).toContain(listed);
      } finally {
        await process.stop();
      }
    }
  });

  it('refuses a module exporting something that is not a tool, naming it and the variable, in bounded time', () => {
    const tools = module('mixed.mjs', `${weather}\nexport const helper = () => 42;`);
    const started = Date.now();
    const result = run({ PORT: '0', CHATWIRE_DATA_DIR: join(dir, 'data-mixed') }, [`--tools=${tools}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHATWIRE_TOOLS (--tools):');
    expect(result.stderr).toContain(`"${tools}" exports "helper", which is not tools`);
    expect(result.stderr).not.toMatch(/at .+\.js:\d+/);
    expect(result.stdout).not.toContain('chatwire is ready');
    expect(Date.now() - started).toBeLessThan(14_000);
  });

  it('refuses a module with a syntax error, one that throws, or none at the path, naming it', () => {
    const syntax = module('syntax.mjs', 'export const = ;');
    const throwing = module('throwing.mjs', "throw new Error('WEATHER_API_KEY is not set');");
    for (const [env, args, message] of [
      [{}, ['--tools', syntax], `"${syntax}" failed to load: SyntaxError: `],
      [{ CHATWIRE_TOOLS: throwing }, [], `"${throwing}" failed to load: Error: WEATHER_API_KEY is not set`],
      [{ CHATWIRE_TOOLS: join(dir, 'nope.mjs') }, [], `no module at "${join(dir, 'nope.mjs')}"`],
    ] as const) {
      const started = Date.now();
      const result = run({ PORT: '0', CHATWIRE_DATA_DIR: join(dir, 'data-bad'), ...env }, [...args]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`CHATWIRE_TOOLS (--tools): ${message}`);
      expect(result.stderr).not.toMatch(/at .+\.js:\d+/);
      expect(Date.now() - started).toBeLessThan(14_000);
    }
  });

  it('refuses a tool named as a demo tool, and --tools without a path', () => {
    const clash = module(
      'clash.mjs',
      "export const clock = defineTool({ name: 'clock', description: '', input: z.object({}), execute: () => 0 });",
    );
    const result = run({ PORT: '0', CHATWIRE_DEMO_TOOLS: '1', CHATWIRE_DATA_DIR: join(dir, 'data-clash') }, [
      '--tools',
      clash,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHATWIRE_TOOLS (--tools): Tool "clock" is defined twice');
    const bare = run({ PORT: '0' }, ['--tools']);
    expect(bare.status).toBe(1);
    expect(bare.stderr).toContain('Unknown argument "--tools"');
    expect(bare.stderr).toContain('[--tools ./tools.js]');
  });
});
