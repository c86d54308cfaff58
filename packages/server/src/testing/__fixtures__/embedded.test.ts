import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { embeddedFixtures } from './embedded.js';

describe('embedded fixtures', () => {
  it('match the files beside them (run embed.mjs after editing or adding one)', async () => {
    const dir = new URL('./', import.meta.url);
    const files = (await readdir(dir)).filter((name) => /\.(chunks\.txt|ndjson)$/.test(name)).sort();
    const onDisk = Object.fromEntries(
      await Promise.all(files.map(async (file) => [file, await readFile(new URL(file, dir), 'utf-8')])),
    );
    expect(embeddedFixtures).toEqual(onDisk);
  });
});
