/**
 * Test support for code built on chatwire: a real server on a free port, fakes that speak the
 * OpenAI and Ollama wire formats (fed from recorded chunks), the `Store` conformance suite, and
 * helpers for suites that need PostgreSQL or Redis.
 *
 * `describeStore`, `describeFileStorage`, `describePostgres` and `describeRedis` register vitest
 * suites: install `vitest` (an optional peer dependency) and import this entry from an ES module —
 * vitest cannot be `require`d, so in the CommonJS build those four throw when called.
 * `startS3Server` runs a real S3-compatible server in the process: install `s3rver` (an optional
 * peer dependency) to use it. Everything else works in both, with or without a test runner.
 *
 * @example
 * ```ts
 * import { createClient } from '@chatwire/sdk';
 * import { resolveModels } from '@chatwire/server';
 * import { newAccount, startFakeOpenAI, startTestServer } from '@chatwire/server/testing';
 *
 * const fake = await startFakeOpenAI(); // streams a recorded gpt-4o-mini reply
 * const server = await startTestServer({
 *   models: resolveModels({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` }),
 * });
 * const client = createClient({ baseUrl: server.url });
 * await client.auth.register(newAccount('ada'));
 * const chat = await client.conversations.create({ type: 'assistant' }); // the `fast` alias: OpenAI
 * const { reply } = await client.messages.send(chat.id, { content: 'Hello' });
 * // reply.content === FIXTURE_TEXT; fake.requests[0].body is what the server sent OpenAI
 * await server.close();
 * await fake.close();
 * ```
 *
 * @example
 * A `Store` of your own runs the suite the built-in stores run (in a vitest test file):
 * ```ts
 * import { describeStore } from '@chatwire/server/testing';
 *
 * describeStore('my store', async () => {
 *   const store = createMyStore();
 *   await store.init();
 *   return store; // the suite closes it after each test
 * });
 * ```
 * @module
 */

export { type AccessTokens, createAccessTokens } from './access-tokens.js';
export { describeStore, storeFixtures } from './describe-store.js';
export type { FakeServerHandle, RecordedRequest, StreamTiming, WritePlan } from './fake-http.js';
export { type FakeOllamaScript, startFakeOllama } from './fake-ollama.js';
export {
  type FakeOpenAIScript,
  type OpenAIErrorObject,
  openAIErrorBody,
  startFakeOpenAI,
} from './fake-openai.js';
export { describeFileStorage, type FileStorageSuiteOptions } from './file-storage-suite.js';
export { FIXTURE_TEXT, type FixtureName, loadFixture } from './fixtures.js';
export { call, type JsonResponse, newAccount } from './http.js';
export {
  type Cleanups,
  deleteKeysUnder,
  describeRedis,
  type RedisAdmin,
  redisAdmin,
  redisTestKit,
  redisTestPrefix,
  redisUrl,
} from './redis-prefix.js';
export { type ReplyEvent, replyFromEvents } from './reply-events.js';
export { type S3TestServer, startS3Server } from './s3-server.js';
export { servicesStackRequested } from './services-stack.js';
export { sharedLowdbStore } from './shared-store.js';
export { readSse, type SseReader } from './sse-client.js';
export { startTestServer, type TestServer, testSecret } from './start-server.js';
export { startTcpProxy, type TcpProxy, targetOf } from './tcp-proxy.js';
export {
  createTestSchema,
  databaseUrl,
  describePostgres,
  type TestSchema,
  truncateStoreTables,
} from './test-database.js';
export { tinyPdf } from './tiny-pdf.js';
export {
  type ConnectOptions,
  connectRealtime,
  directConversation,
  signUp,
  type TestSocket,
  type TestUser,
} from './ws-client.js';
