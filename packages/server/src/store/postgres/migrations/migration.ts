/**
 * What a migration is: a numbered `.sql` file (`0001_initial.sql`), its text and a checksum of
 * it, plus the error a runner stops start-up with.
 */
import { createHash } from 'node:crypto';

/** A migration file as shipped: its name and its SQL. */
export interface MigrationSource {
  file: string;
  sql: string;
}

/** A migration ready to apply or compare with what a database has applied. */
export interface Migration extends MigrationSource {
  /** The number the file name starts with; migrations apply in this order, each once. */
  version: number;
  /** SHA-256 of the SQL, hex, with line endings normalised (a CRLF checkout is not an edit). */
  checksum: string;
}

/**
 * Why the schema cannot be used as it is:
 * - `edited`: a migration the database has applied differs from the file of the same number;
 * - `newer`: the database has migrations this code does not know (a newer server ran on it);
 * - `pending`: migrations are missing and `migrate: 'off'` forbids applying them.
 */
export type MigrationErrorCode = 'edited' | 'newer' | 'pending';

/** Refuses start-up on a schema this code must not touch; the message says which file and what to do. */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Checks names and numbering (1, 2, 3, … with no gap or repeat) and computes checksums.
 *
 * @throws Error when a file is misnamed or misnumbered: a packaging mistake, caught by tests.
 */
export function prepareMigrations(sources: readonly MigrationSource[]): Migration[] {
  const sorted = [...sources].sort((a, b) => (a.file < b.file ? -1 : 1));
  return sorted.map((source, index) => {
    const match = FILE_NAME.exec(source.file);
    if (!match) throw new Error(`Migration file ${source.file} must be named like 0001_initial.sql`);
    const version = Number(match[1]);
    if (version !== index + 1) {
      throw new Error(
        `Migration ${source.file} should be number ${index + 1}: migrations are numbered 1, 2, 3, …`,
      );
    }
    return { ...source, version, checksum: checksumOf(source.sql) };
  });
}

/** SHA-256 of `sql` with CRLF turned into LF, hex. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex');
}
