import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { describeFileStorage } from '../testing/file-storage-suite.js';
import { createDiskStorage } from './disk-storage.js';

const root = await mkdtemp(join(tmpdir(), 'chatwire-disk-storage-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Temp files of `dir`'s storage (its `~incoming` directory): what an interrupted write leaves. */
async function tempFiles(dir: string): Promise<string[]> {
  return readdir(join(dir, '~incoming')).catch(() => []);
}

let storageDirs = 0;
describeFileStorage('disk', async () => createDiskStorage({ dir: join(root, `suite-${++storageDirs}`) }), {
  leftovers: async () => (await tempFiles(root)).length,
});

describe('disk storage', () => {
  it('creates its directory, nested, and keeps each object as the file <dir>/<key>', async () => {
    const dir = join(root, 'fresh', 'nested', 'files');
    const storage = await createDiskStorage({ dir });
    await storage.write('ab/object-1', bodyOf('hello'), { mediaType: 'text/plain' });
    expect(await readFile(join(dir, 'ab', 'object-1'), 'utf8')).toBe('hello');
    expect(await tempFiles(dir)).toEqual([]);
    await storage.close();
  });

  it('shows no object while a write is in flight: only a temp file', async () => {
    const dir = join(root, 'in-flight');
    const storage = await createDiskStorage({ dir });
    const controller = new AbortController();
    let stalled!: () => void;
    const reachedStall = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    const write = storage.write('ab/pending', stallingBody(stalled), {
      mediaType: 'application/octet-stream',
      signal: controller.signal,
    });
    await reachedStall;
    expect(await storage.stat('ab/pending')).toBeNull();
    expect(await tempFiles(dir)).toHaveLength(1);
    controller.abort();
    await expect(write).rejects.toMatchObject({ name: 'AbortError' });
    expect(await tempFiles(dir)).toEqual([]);
  });

  it('a write killed mid-way (SIGKILL) leaves no object, and the next start removes its temp file', async () => {
    const dir = join(root, 'crash');
    const child = fork(await compiledCrashingWriter(), [dir], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [message] = (await once(child, 'message')) as [string];
    expect(message).toBe('stalled');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    expect((await exited)[1]).toBe('SIGKILL');

    await expect(stat(join(dir, 'ab', 'crash'))).rejects.toMatchObject({ code: 'ENOENT' });
    const [temp] = await tempFiles(dir);
    expect((await stat(join(dir, '~incoming', temp!))).size).toBeGreaterThan(0);

    const storage = await createDiskStorage({ dir });
    expect(await tempFiles(dir)).toEqual([]);
    expect(await storage.stat('ab/crash')).toBeNull();
    await storage.close();
  });
});

function bodyOf(text: string) {
  return Readable.from([Buffer.from(text)]);
}

/** 1 MiB, then `onStall` and nothing more. */
function stallingBody(onStall: () => void): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < 1024 * 1024) {
        this.push(Buffer.alloc(64 * 1024, 7));
        sent += 64 * 1024;
      } else onStall();
    },
  });
}

/**
 * The disk storage compiled to plain JavaScript (node 20 cannot run TypeScript) beside a script
 * that writes 1 MiB through it, tells its parent `stalled`, and then waits for more data forever.
 */
async function compiledCrashingWriter(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'chatwire-disk-crash-'));
  onTestFinished(() => rm(out, { recursive: true, force: true }));
  for (const name of ['disk-storage', 'file-storage', 'storage-key']) {
    const source = await readFile(fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await writeFile(join(out, `${name}.js`), outputText);
  }
  await writeFile(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(
    join(out, 'writer.js'),
    `import { Readable } from 'node:stream';
import { createDiskStorage } from './disk-storage.js';
const storage = await createDiskStorage({ dir: process.argv[2] });
let sent = 0;
const body = new Readable({
  read() {
    if (sent < 1024 * 1024) {
      this.push(Buffer.alloc(64 * 1024, 7));
      sent += 64 * 1024;
    } else process.send('stalled');
  },
});
await storage.write('ab/crash', body, { mediaType: 'application/octet-stream' });
`,
  );
  return join(out, 'writer.js');
}
