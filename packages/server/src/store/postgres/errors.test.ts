import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StoreConflictError, StoreUnavailableError } from '../store.js';
import { isUnavailable, toStoreError } from './errors.js';

function databaseError(code: string): pg.DatabaseError {
  const error = new pg.DatabaseError('server says no', 0, 'error');
  error.code = code;
  return error;
}

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
}

describe('PostgreSQL error mapping', () => {
  it('maps lost connections, timeouts and a server going away to StoreUnavailableError', () => {
    for (const error of [
      systemError('ECONNREFUSED'),
      systemError('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]),
      databaseError('57P01'), // admin shutdown
      databaseError('57014'), // statement timeout
      databaseError('53300'), // too many connections
      databaseError('08006'), // connection failure
    ]) {
      expect(isUnavailable(error)).toBe(true);
      const mapped = toStoreError(error);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as Error).cause).toBe(error);
    }
  });

  it('keeps request errors and the store’s own errors as they are', () => {
    for (const error of [
      databaseError('23505'),
      databaseError('42P01'),
      new StoreConflictError('conflict'),
    ]) {
      expect(isUnavailable(error)).toBe(false);
      expect(toStoreError(error)).toBe(error);
    }
  });
});
