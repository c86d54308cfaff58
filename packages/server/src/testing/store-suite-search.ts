/** One area of the `Store` conformance suite that `describeStore` (describe-store.ts) registers. */
import { parseSearch } from '../store/search-terms.js';
import type { MessageRecord, MessageSearchAfter, MessageSearchPage, Store } from '../store/store.js';
import { at, newConversation, newMessage, participant, userId } from './store-fixtures.js';
import { describe, expect, it } from './vitest.js';

/** Every message of a search, page by page of `limit`, as the service walks them. */
async function searchAll(
  store: Store,
  user: string,
  text: string,
  options: { limit?: number; conversationId?: string; asOf?: string; between?: () => Promise<void> } = {},
): Promise<MessageRecord[]> {
  const terms = parseSearch(text)!;
  const found: MessageRecord[] = [];
  let after: MessageSearchAfter | undefined;
  for (;;) {
    const page: MessageSearchPage = {
      limit: options.limit ?? 50,
      asOf: options.asOf ?? at(10_000),
      ...(after && { after }),
    };
    const search = {
      terms,
      ...(options.conversationId !== undefined && { conversationId: options.conversationId }),
    };
    const { hits, weights } = await store.searchMessages(user, search, page);
    found.push(...hits.map((hit) => hit.message));
    const last = hits.at(-1);
    if (!last || hits.length < page.limit) return found;
    after = { score: last.score, createdAt: last.message.createdAt, id: last.message.id, weights };
    await options.between?.();
  }
}

const contents = (messages: readonly MessageRecord[]) => messages.map((message) => message.content);

/** Search: words, prefixes, diacritics, ranking and pages, only where the user takes part now. */
export function describeSearch(store: Store): void {
  describe('search', () => {
    async function conversationWith(people: string[], texts: string[]) {
      const conversation = await store.createConversation(newConversation(people));
      const messages: MessageRecord[] = [];
      for (const [index, content] of texts.entries()) {
        const { message } = (await store.appendMessage(
          newMessage(conversation.id, people[0]!, { content, createdAt: at(10 + index) }),
        ))!;
        messages.push(message);
      }
      return { conversation, messages };
    }

    it('ranks by how often the words occur, then newest first', async () => {
      const alice = userId();
      await conversationWith(
        [alice],
        ['coffee with milk', 'coffee coffee coffee', 'tea only', 'more coffee please', 'coffee coffee again'],
      );
      expect(contents(await searchAll(store, alice, 'coffee'))).toEqual([
        'coffee coffee coffee',
        'coffee coffee again',
        'more coffee please',
        'coffee with milk',
      ]);
    });

    it('needs every word, the last one as a prefix, folding case and diacritics', async () => {
      const alice = userId();
      await conversationWith(
        [alice],
        [
          'Café au lait',
          'hello world',
          'Hello there',
          'the cafe is closed',
          'Straße und Mühle',
          'world peace',
        ],
      );
      expect(contents(await searchAll(store, alice, 'CAFE')).sort()).toEqual([
        'Café au lait',
        'the cafe is closed',
      ]);
      expect(contents(await searchAll(store, alice, 'café lait'))).toEqual(['Café au lait']);
      expect(contents(await searchAll(store, alice, 'hel')).sort()).toEqual(['Hello there', 'hello world']);
      expect(contents(await searchAll(store, alice, 'hello wor'))).toEqual(['hello world']);
      // Only the last word is a prefix: "hel" before another word must be a whole word.
      expect(await searchAll(store, alice, 'hel world')).toEqual([]);
      expect(contents(await searchAll(store, alice, 'muhle strasse'))).toEqual(['Straße und Mühle']);
      expect(await searchAll(store, alice, 'hello peace')).toEqual([]);
    });

    it('finds the current text of an edited message, never a deleted one nor a reply still streaming', async () => {
      const alice = userId();
      const { conversation, messages } = await conversationWith([alice], ['original words', 'doomed words']);
      await store.updateMessage(conversation.id, messages[0]!.id, {
        content: 'rewritten text',
        editedAt: at(50),
      });
      await store.updateMessage(conversation.id, messages[1]!.id, {
        content: '',
        parts: [],
        status: 'deleted',
      });
      expect(await searchAll(store, alice, 'original')).toEqual([]);
      expect(await searchAll(store, alice, 'doomed')).toEqual([]);
      const [edited] = await searchAll(store, alice, 'rewritten');
      expect(edited?.content).toBe('rewritten text');
      expect(edited?.editedAt).toBe(at(50));

      const { message: reply } = (await store.appendMessage(
        newMessage(conversation.id, null, {
          content: 'partial answ',
          status: 'streaming',
          createdAt: at(60),
        }),
      ))!;
      expect(await searchAll(store, alice, 'answ')).toEqual([]);
      await store.updateMessage(conversation.id, reply.id, { content: 'partial answer', status: 'complete' });
      expect(contents(await searchAll(store, alice, 'answ'))).toEqual(['partial answer']);
    });

    it("searches only the user's conversations of now: not one they left, nor a deleted one", async () => {
      const [alice, bob] = [userId(), userId()];
      const shared = await conversationWith([alice, bob], ['secret plans']);
      const bobs = await conversationWith([bob], ['secret diary']);
      const gone = await conversationWith([alice], ['secret recipe']);
      expect(contents(await searchAll(store, alice, 'secret')).sort()).toEqual([
        'secret plans',
        'secret recipe',
      ]);
      expect(await searchAll(store, alice, 'secret', { conversationId: bobs.conversation.id })).toEqual([]);

      await store.deleteConversation(gone.conversation.id);
      await store.removeParticipant(shared.conversation.id, alice, at(100));
      expect(await searchAll(store, alice, 'secret')).toEqual([]);
      expect(contents(await searchAll(store, bob, 'secret')).sort()).toEqual([
        'secret diary',
        'secret plans',
      ]);
      // Back in, the conversation's messages are found again.
      await store.addParticipants(shared.conversation.id, [participant(alice)], at(101));
      expect(contents(await searchAll(store, alice, 'secret'))).toEqual(['secret plans']);
    });

    it('restricts to one conversation when asked', async () => {
      const alice = userId();
      const first = await conversationWith([alice], ['lunch at noon']);
      await conversationWith([alice], ['lunch tomorrow']);
      expect(
        contents(await searchAll(store, alice, 'lunch', { conversationId: first.conversation.id })),
      ).toEqual(['lunch at noon']);
    });

    it('pages without duplicates or gaps while new messages arrive', async () => {
      const alice = userId();
      const texts = Array.from(
        { length: 23 },
        (_, index) => `report ${'draft '.repeat((index % 4) + 1)}${index}`,
      );
      const { conversation, messages } = await conversationWith([alice], texts);
      let arrivals = 0;
      const found = await searchAll(store, alice, 'draft', {
        limit: 5,
        asOf: at(500),
        // Between pages, more matching messages arrive, ranking among those still to come (one
        // occurrence, newest): they wait for a new search.
        between: async () => {
          arrivals++;
          await store.appendMessage(
            newMessage(conversation.id, alice, {
              content: 'late draft',
              createdAt: at(600 + arrivals),
            }),
          );
        },
      });
      expect(arrivals).toBe(4);
      expect(found.map((message) => message.id).sort()).toEqual(messages.map((message) => message.id).sort());
      expect(new Set(found.map((message) => message.id)).size).toBe(23);
      // And in rank order: more occurrences first.
      const occurrences = found.map((message) => message.content.split('draft').length - 1);
      expect(occurrences).toEqual([...occurrences].sort((a, b) => b - a));
    });
  });
}
