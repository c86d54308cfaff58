/**
 * Opaque pagination cursors: base64url JSON of a keyset position, validated when read back so a
 * tampered cursor is a clear 400, never a crash.
 */
import type * as z from 'zod/mini';
import { Invalid } from './errors.js';

export function encodeCursor(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<S extends z.ZodMiniType>(cursor: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Invalid('Invalid cursor: pass a nextCursor back unchanged', [
      { path: ['cursor'], message: 'Not a cursor this server issued' },
    ]);
  }
  return result.data;
}
