import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { embeddedMigrations } from './embedded.js';
import { prepareMigrations } from './migration.js';

describe('embedded migrations', () => {
  it('match the .sql files beside them (run embed.mjs after editing one)', async () => {
    const dir = new URL('./', import.meta.url);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
    const onDisk = await Promise.all(
      files.map(async (file) => ({ file, sql: await readFile(new URL(file, dir), 'utf-8') })),
    );
    expect(embeddedMigrations).toEqual(onDisk);
  });

  it('are numbered 1, 2, 3, … with checksums', () => {
    const migrations = prepareMigrations(embeddedMigrations);
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
    for (const migration of migrations) expect(migration.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a gap in the numbering, and a CRLF checkout is not an edit', () => {
    expect(() => prepareMigrations([{ file: '0002_later.sql', sql: '' }])).toThrow(/should be number 1/);
    const [lf] = prepareMigrations([{ file: '0001_a.sql', sql: 'SELECT 1;\n' }]);
    const [crlf] = prepareMigrations([{ file: '0001_a.sql', sql: 'SELECT 1;\r\n' }]);
    expect(crlf?.checksum).toBe(lf?.checksum);
  });
});
