/**
 * Which PostgreSQL failures mean "storage is unavailable" (→ `StoreUnavailableError`, `503`),
 * and recognising the constraint violations the store turns into `StoreConflictError`.
 */
import pg from 'pg';
import { StoreUnavailableError } from '../store.js';

/**
 * SQLSTATE classes and codes that say nothing about the request and everything about the
 * server: connection exceptions (08), insufficient resources (53, e.g. too many connections),
 * shutdown and start-up (57P01–57P03), and the statement timeout (57014).
 */
const UNAVAILABLE_CLASSES = ['08', '53'];
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '57014']);

/** Socket errors of a connection that failed or broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * node-postgres reports a lost connection or a connect timeout as a plain `Error` with one of
 * these messages and no code.
 */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
];

/** Whether `error` means the database could not be reached or could not serve the request. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_CODES.has(code)) return true;
    if (error instanceof pg.DatabaseError && UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return DRIVER_MESSAGES.some((message) => error.message.includes(message));
}

/** `error` as the store reports it: unavailability becomes `StoreUnavailableError`, the rest is kept. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
  return new StoreUnavailableError(`PostgreSQL is unavailable: ${reason}`, { cause: error });
}

/** Whether `error` is a unique violation of `constraint` (a name from the migrations). */
export function violates(error: unknown, constraint: string): boolean {
  return error instanceof pg.DatabaseError && error.code === '23505' && error.constraint === constraint;
}
