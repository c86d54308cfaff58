/**
 * What a model is sent in a conversation between people, through a real server on each store and
 * the fake speaking OpenAI's wire format: each person's turn prefixed with their display name, and
 * a system prompt naming the people — while an assistant conversation's request stays exactly what
 * it was (no names, its own system prompt only).
 */
import { resolveModels } from '@chatwire/server';
import {
  call,
  describePostgres,
  type FakeServerHandle,
  newAccount,
  startFakeOpenAI,
  startTestServer,
  type TestServer,
  type TestUser,
} from '@chatwire/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedStore, openStore } from '../support/stores.js';
import { groupWith, say } from './support.js';

type OpenAIMessage = { role: string; content: unknown };
const sentMessages = (fake: FakeServerHandle, index: number) =>
  (fake.requests[index]!.body as { messages: OpenAIMessage[] }).messages;

async function register(server: TestServer, displayName: string): Promise<TestUser> {
  const response = await call(`${server.url}/v1/auth/register`, {
    body: { ...newAccount(displayName.toLowerCase()), displayName },
  });
  return { id: response.body.user.id, token: response.body.tokens.accessToken };
}

function suite(connectionString: string | null) {
  let fake: FakeServerHandle;
  let opened: OpenedStore;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ writes: 'whole' });
    opened = await openStore(connectionString);
    server = await startTestServer({
      store: opened.store,
      // Names two people: a third is counted (`ASSISTANT_PEOPLE_NAMED`).
      assistantPeopleNamed: 2,
      models: resolveModels({
        OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: 'sk-test',
        CHATWIRE_MODELS: JSON.stringify({ smart: { provider: 'openai', model: 'gpt-4o' } }),
      }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await opened?.close();
    await fake?.close();
  });

  it('names who said what, and says who is in the conversation', async () => {
    const [alice, bob] = [await register(server, 'Alice'), await register(server, 'Bob')];
    const group = await groupWith(server, alice, [bob], { model: 'smart', respondTo: 'mentions' });
    await say(server, alice, group.id, 'I vote for pizza');
    const before = fake.requests.length;
    const asked = await say(server, bob, group.id, '@smart what did Alice vote for?');
    expect(asked.reply).toMatchObject({ status: 'complete', model: 'smart' });

    const messages = sentMessages(fake, before);
    expect(messages[0]).toEqual({
      role: 'system',
      content:
        'This is a conversation between several people (Alice, Bob) and you, the assistant "smart". ' +
        "Each person's message starts with their name and a colon. Answer the person who wrote the last message.",
    });
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: 'Alice: I vote for pizza' },
      { role: 'user', content: 'Bob: @smart what did Alice vote for?' },
    ]);
  });

  it('names the first people of a bigger group and counts the rest', async () => {
    const [alice, bob, carol] = [
      await register(server, 'Alice'),
      await register(server, 'Bob'),
      await register(server, 'Carol'),
    ];
    const group = await groupWith(server, alice, [bob, carol], {
      model: 'smart',
      respondTo: 'every_message',
    });
    const before = fake.requests.length;
    await say(server, carol, group.id, 'hi all');
    const [system, ...turns] = sentMessages(fake, before);
    expect(system?.content).toContain('(Alice, Bob and 1 other)');
    // Whoever speaks is named, counted or not.
    expect(turns).toEqual([{ role: 'user', content: 'Carol: hi all' }]);
  });

  it("leaves an assistant conversation's request as it was", async () => {
    const alice = await register(server, 'Alice');
    const chat = await call(`${server.url}/v1/conversations`, {
      token: alice.token,
      body: { type: 'assistant', model: 'smart', systemPrompt: 'Be brief.' },
    });
    const before = fake.requests.length;
    await say(server, alice, chat.body.id, 'hello there');
    expect(sentMessages(fake, before)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hello there' },
    ]);
  });
}

describe('the context between people (lowdb)', () => suite(null));
describePostgres('the context between people (PostgreSQL)', (connectionString) => suite(connectionString));
