/**
 * The vitest functions the suites (`describeStore`, `describePostgres`, `describeRedis`) register
 * with, loaded only when vitest is installed: it is an optional peer dependency, and the rest of
 * the testing entry (the test app, the fakes) serves any runner — node:test, Playwright — without
 * it. The CommonJS build swaps this module for `vitest-unavailable.ts` (see tsup.config.ts):
 * vitest cannot be `require`d, and a top-level `await` has no CommonJS form.
 */
import type * as Vitest from 'vitest';
import { unavailable } from './vitest-unavailable.js';

type SuiteApi = Pick<typeof Vitest, 'afterEach' | 'beforeEach' | 'describe' | 'expect' | 'it'>;

const vitest: SuiteApi | undefined = await import('vitest').catch((error: unknown) => {
  if ((error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
  throw error;
});

const missing = 'is not installed: add it (`npm install -D vitest`)';

export const afterEach: SuiteApi['afterEach'] = vitest?.afterEach ?? unavailable('afterEach', missing);
export const beforeEach: SuiteApi['beforeEach'] = vitest?.beforeEach ?? unavailable('beforeEach', missing);
export const describe: SuiteApi['describe'] = vitest?.describe ?? unavailable('describe', missing);
export const expect: SuiteApi['expect'] = vitest?.expect ?? unavailable('expect', missing);
export const it: SuiteApi['it'] = vitest?.it ?? unavailable('it', missing);
