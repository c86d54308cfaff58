// @vitest-environment happy-dom
/**
 * useMessageSearch against a real server: nothing is asked while the query has no word; typing
 * settles on the last query (a superseded request is aborted, never shown); loadMore appends the
 * next page.
 */
import { cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderFor, signUp, startServer, type TestServer } from './server.test-support.js';
import { useMessageSearch } from './use-message-search.js';

afterEach(cleanup);

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('useMessageSearch', () => {
  it('searches as the query settles, shows the last query’s hits, and loads more', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await signUp(server.url, 'bob');
    const chat = await ada.client.conversations.create({ type: 'direct', participantIds: [bob.user.id] });
    for (let index = 0; index < 3; index++)
      await ada.client.messages.send(chat.id, { content: `Crème ${index}` });
    await ada.client.messages.send(chat.id, { content: 'tea only' });

    const searched: string[] = [];
    const fetch = globalThis.fetch;
    const { result, rerender } = renderFor(
      bob,
      ({ q }: { q: string }) => useMessageSearch(q, { debounceMs: 10, limit: 2 }),
      {
        initialProps: { q: '?!' },
      },
    );
    expect(result.current).toMatchObject({ status: 'idle', hits: [], hasMore: false });

    globalThis.fetch = (input, init) => {
      searched.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    try {
      rerender({ q: 'cre' });
      rerender({ q: 'tea' });
      rerender({ q: 'creme' });
      expect(result.current.status).toBe('loading');
      await waitFor(() => expect(result.current.status).toBe('ready'));
      expect(result.current.hits.map((hit) => hit.message.content)).toEqual(['Crème 2', 'Crème 1']);
      expect(result.current.hits[0]?.highlights).toEqual([{ start: 0, end: 5 }]);
      // Debounced: only the query typing settled on was asked for.
      expect(searched.filter((url) => url.includes('/v1/search/messages'))).toHaveLength(1);
      expect(result.current.hasMore).toBe(true);
      await result.current.loadMore();
      await waitFor(() => expect(result.current.hits).toHaveLength(3));
    } finally {
      globalThis.fetch = fetch;
    }
  });
});
