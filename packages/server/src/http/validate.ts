/**
 * Edge validation with the contracts: bad input becomes one `validation_failed` error listing
 * every problem, with paths prefixed by where it was (`body`, `query`, `params`).
 */
import type { ErrorDetail, Schema } from '@chatwire/sdk/contracts';
import { HttpError } from './http-error.js';

type Location = 'body' | 'query' | 'params';

const locationLabel: Record<Location, string> = { body: 'body', query: 'query string', params: 'path' };

/** Parses `value` with `schema`, or throws a `validation_failed` HttpError. */
export function validate<T>(schema: Schema | undefined, value: unknown, location: Location): T {
  if (!schema) return undefined as T;
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new Error('Contracts must not use async refinements');
  if (!result.issues) return result.value as T;
  const details: ErrorDetail[] = result.issues.map((issue) => ({
    path: [location, ...(issue.path ?? []).map((key) => (typeof key === 'object' ? key.key : key))].map(
      (key) => (typeof key === 'number' ? key : String(key)),
    ),
    message: issue.message,
  }));
  const first = details[0];
  const summary =
    details.length === 1 && first
      ? `Invalid ${locationLabel[location]}: ${first.path.slice(1).join('.') || location} — ${first.message}`
      : `Invalid ${locationLabel[location]}: ${details.length} problems (see details)`;
  throw new HttpError('validation_failed', summary, { details });
}
