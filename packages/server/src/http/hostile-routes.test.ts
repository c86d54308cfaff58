/**
 * Every route of the contract table, with each path parameter replaced by hostile values and with
 * hostile query strings, signed in, signed out and with a bad token: every error answer is the
 * one envelope (JSON, the code's status, the request id of `x-request-id`, no stack), none is a
 * 500, and every answer carries the API's headers.
 */
import { type RouteContract, routes } from '@chatwire/sdk/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newAccount } from '../testing/http.js';
import { startTestServer, type TestServer } from '../testing/start-server.js';
import { envelopeProblem } from './raw-http.test-support.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = (await call(`${server.url}/v1/auth/register`, { body: newAccount() })).body.tokens.accessToken;
});
afterAll(() => server.close());

/** Put in a path as they are (already percent-encoded where they mean to be). */
const hostileParams = [
  'a'.repeat(101), // over Fastify's maxParamLength (100)
  'b'.repeat(4000),
  '%E0%A4%A', // a truncated UTF-8 sequence
  '%', // a lone percent sign
  '%ZZ',
  '%C3%28', // invalid UTF-8
  'not-a-uuid',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e', // a dot segment, once decoded
  encodeURIComponent('ünïcødé-💬-名前'),
  '%00',
  'x%00y',
  encodeURIComponent("' OR 1=1 --"),
  '00000000-0000-4000-8000-000000000000', // well-formed, nobody's
];

const hostileQueries = [
  '',
  `?q=${'x'.repeat(8000)}&limit=${'9'.repeat(400)}`, // long, under Node's 16 KiB head
  '?cursor=%E0%A4%A&limit=%00&offset=-1&ids=..%2f&q=%',
  `?ids=${Array.from({ length: 300 }, () => 'not-an-id').join(',')}`,
  '?__proto__[admin]=1&constructor=x&limit=1e309',
];

const tokens = { none: undefined, valid: () => token, bad: () => 'eyJhbGciOiJIUzI1NiJ9.e30.bad' } as const;

/** Each path with one parameter at a time made hostile (the others a well-formed id). */
function hostilePaths(route: RouteContract): string[] {
  const params = route.path.match(/:[A-Za-z]+/g) ?? [];
  if (params.length === 0) return [route.path];
  return params.flatMap((target) =>
    hostileParams.map((value) =>
      params.reduce(
        (path, param) =>
          path.replace(param, param === target ? value : '11111111-1111-4111-8111-111111111111'),
        route.path,
      ),
    ),
  );
}

describe('hostile input on every route of the contract', () => {
  it('answers every error in the envelope', async () => {
    const requests: { label: string; url: string; init: Parameters<typeof call>[1] }[] = [];
    for (const [name, route] of Object.entries(routes) as [string, RouteContract][]) {
      for (const path of hostilePaths(route)) {
        for (const query of hostileQueries) {
          for (const [tokenName, tokenOf] of Object.entries(tokens)) {
            const hasBody = route.method === 'POST' || route.method === 'PATCH';
            requests.push({
              label: `${name} ${route.method} ${path.slice(0, 80)}${query.slice(0, 40)} (token: ${tokenName})`,
              url: `${server.url}${path}${query}`,
              init: {
                method: route.method,
                ...(tokenOf ? { token: tokenOf() } : {}),
                ...(hasBody
                  ? { body: { content: '\u0000', title: 'x'.repeat(1000), participantIds: ['..'] } }
                  : {}),
              },
            });
          }
        }
      }
    }

    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const batch = 32;
    for (let i = 0; i < requests.length; i += batch) {
      await Promise.all(
        requests.slice(i, i + batch).map(async ({ label, url, init }) => {
          const response = await call(url, init);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.headers.get('x-content-type-options') !== 'nosniff')
            problems.push(`${label}: no nosniff`);
          if (response.status >= 500) problems.push(`${label}: ${response.status} ${response.text}`);
          if (response.status < 400) return;
          const problem = envelopeProblem({
            status: response.status,
            contentType: response.headers.get('content-type'),
            requestIdHeader: response.headers.get('x-request-id'),
            body: response.text,
          });
          if (problem) problems.push(`${label}: ${response.status} ${problem}`);
          if (response.headers.get('cache-control') !== 'no-store') problems.push(`${label}: cacheable`);
        }),
      );
    }
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    console.info(
      `${requests.length} answers (${summary.join(', ')}), ${problems.length} outside the envelope`,
    );
    expect(problems).toEqual([]);
    // Each kind of refusal was reached: over-long (414), malformed (400), unknown (404), signed out (401).
    for (const status of [400, 401, 404, 414]) expect(statuses.get(status)).toBeGreaterThan(0);
  }, 120_000);
});
