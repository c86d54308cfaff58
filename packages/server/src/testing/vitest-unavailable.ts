/**
 * Stand-ins for the vitest functions where vitest cannot be had: what `vitest.ts` falls back to
 * when vitest is not installed, and what the CommonJS build of `@chatwire/server/testing` uses in
 * its place (tsup.config.ts) — vitest throws when `require`d, and a vitest test file is an ES
 * module anyway. Calling one (through `describeStore`, `describePostgres` or `describeRedis`)
 * throws an error that says what to do.
 */

/**
 * A function that throws when called, typed as whatever it stands in for; its properties
 * (`describe.skip`, `it.each`, …) are stand-ins too.
 */
export function unavailable<T>(name: string, why: string): T {
  const fail = (): never => {
    throw new Error(`@chatwire/server/testing: this suite calls vitest's \`${name}\`, but vitest ${why}`);
  };
  return new Proxy(fail, {
    apply: fail,
    get: (_target, property) => unavailable(`${name}.${String(property)}`, why),
  }) as T;
}

const commonJs =
  'cannot be loaded from the CommonJS build: import @chatwire/server/testing from an ES module (a vitest test file is one)';

export const afterEach = unavailable<typeof import('vitest').afterEach>('afterEach', commonJs);
export const beforeEach = unavailable<typeof import('vitest').beforeEach>('beforeEach', commonJs);
export const describe = unavailable<typeof import('vitest').describe>('describe', commonJs);
export const expect = unavailable<typeof import('vitest').expect>('expect', commonJs);
export const it = unavailable<typeof import('vitest').it>('it', commonJs);
