/**
 * Building blocks shared by every contract: identifiers, timestamps, pagination.
 *
 * The contracts import `zod/mini` rather than `zod`: the same schemas validate on the server and
 * in the browser, and the functional API tree-shakes to a fraction of the classic one.
 */
import * as z from 'zod/mini';

/** A resource identifier: a UUIDv7, so identifiers sort by creation time. */
export const Id = z
  .string()
  .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Must be an id (UUID)'));

/** An ISO-8601 timestamp in UTC, e.g. `2026-11-23T10:15:00.000Z`. */
export const Timestamp = z.string().check(z.iso.datetime());

/** An opaque pagination cursor handed out as `nextCursor`; pass it back unchanged. */
export const Cursor = z.string().check(z.minLength(1), z.maxLength(512));

/** A page of `item`: the items and the cursor of the next page (`null` on the last page). */
export function page<T extends z.ZodMiniType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.nullable(z.string()),
  });
}

/** A page of items as returned by every list route. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
