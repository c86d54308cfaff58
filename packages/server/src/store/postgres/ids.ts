/**
 * Ids are `uuid` columns. A string that is not a UUID cannot name a stored row, and PostgreSQL
 * would reject it with an error rather than find nothing — reads answer "not found" instead, as
 * the lowdb store does for an unknown id.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
