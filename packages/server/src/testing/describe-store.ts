/**
 * The conformance suite every `Store` implementation runs: each method and each invariant the
 * interface documents, including the races (two operations fired together with `Promise.all`).
 *
 * @example
 * // lowdb-store.test.ts
 * describeStore('lowdb', async () => {
 *   const store = createLowdbStore({ dataDir: await mkdtemp(join(tmpdir(), 'chatwire-')) });
 *   await store.init();
 *   return store;
 * });
 */
import type { Store } from '../store/store.js';
import { instanceOfTheRunningTest } from './running-instance.js';
import { describeAccounts } from './store-suite-accounts.js';
import { describeAssistantMembers } from './store-suite-assistant.js';
import { describeConversations } from './store-suite-conversations.js';
import { describeFiles } from './store-suite-files.js';
import { describeMembership } from './store-suite-membership.js';
import { describeMentions } from './store-suite-mentions.js';
import { describeMessages } from './store-suite-messages.js';
import { describePins } from './store-suite-pins.js';
import { describeReactions } from './store-suite-reactions.js';
import { describeReadMarkers } from './store-suite-read-markers.js';
import { describeRefreshTokens } from './store-suite-refresh-tokens.js';
import { describeSearch } from './store-suite-search.js';
import { describeThreads } from './store-suite-threads.js';
import { describeUsers } from './store-suite-users.js';
import { afterEach, beforeEach, describe, expect, it } from './vitest.js';

export { storeFixtures } from './store-fixtures.js';

/**
 * Registers the suite under `describe(name)`.
 *
 * @param makeStore Returns a new, empty, initialised store; the suite closes it after each test.
 */
export function describeStore(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });
    const running = instanceOfTheRunningTest(() => store);

    describe('lifecycle', () => {
      it('answers ping once initialised and reports its kind', async () => {
        expect(await store.ping()).toBe(true);
        expect(store.kind).toEqual(expect.any(String));
      });
    });

    describeUsers(running);
    describeRefreshTokens(running);
    describeConversations(running);
    describeMembership(running);
    describeMessages(running);
    describeReactions(running);
    describeMentions(running);
    describeThreads(running);
    describeReadMarkers(running);
    describeFiles(running);
    describeSearch(running);
    describeAssistantMembers(running);
    describePins(running);
    describeAccounts(running);
  });
}
