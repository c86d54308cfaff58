// The records the storage benches seed and append: direct conversations of two made-up users and
// messages of ordinary chat length, timestamped from a fixed base. Shared so that the lowdb and
// PostgreSQL benches measure the same data, seeded and appended the same way.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { spread } from './lib.mjs';

export const BASE_TIME = Date.UTC(2030, 0, 1);
export const CONTENT = 'a sentence or two, about the length people type in a chat.';

/** `total` messages spread over `conversations` direct conversations: `{ id, users, count }` each. */
export function plan(total, conversations) {
  return spread(total, conversations).map((count) => ({
    id: randomUUID(),
    users: [randomUUID(), randomUUID()],
    count,
  }));
}

/** Message number `n` of a conversation, as the Store takes it. */
export function message(conversationId, senderId, n) {
  const content = `Message number ${n}: ${CONTENT}`;
  return {
    id: randomUUID(),
    conversationId,
    senderId,
    role: 'user',
    parts: [{ type: 'text', text: content }],
    content,
    status: 'complete',
    clientMessageId: randomUUID(),
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    promptId: null,
    clientTools: null,
    createdAt: new Date(BASE_TIME + n * 1000).toISOString(),
    editedAt: null,
  };
}

/** A direct conversation record between `users`, as `importConversation` takes it. */
export function directConversation(id, users) {
  const createdAt = new Date(BASE_TIME).toISOString();
  return {
    id,
    type: 'direct',
    title: null,
    model: null,
    systemPrompt: null,
    createdAt,
    updatedAt: createdAt,
    directKey: [...users].sort().join(':'),
    participants: users.map((userId) => ({
      userId,
      role: 'member',
      joinedAt: createdAt,
      readCount: 0,
      lastReadMessageId: null,
    })),
  };
}

/** How many conversations `importPlan` writes at once. */
const SEED_CONCURRENCY = 8;

/**
 * Writes the planned conversations into a lowdb data dir with `importConversation` (the server's
 * own, as the bench loaded it), `SEED_CONCURRENCY` at a time. Message numbers start at `first`.
 */
export async function importPlan(importConversation, dataDir, conversations, { first = 0, ...options } = {}) {
  let next = 0;
  const worker = async () => {
    while (next < conversations.length) {
      const { id, users, count } = conversations[next++];
      const messages = Array.from({ length: count }, (_, n) => message(id, users[n % 2], n + first));
      await importConversation(dataDir, directConversation(id, users), messages, options);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
}

/** Throws unless the store holds exactly `total` messages across the planned conversations. */
export async function verify(store, conversations, total) {
  let stored = 0;
  for (const { id } of conversations) stored += (await store.getConversation(id)).messageCount;
  if (stored !== total) throw new Error(`seeded ${stored} messages, expected ${total}`);
}

/**
 * Appends one message to a random conversation of `run` (`{ conversations, store, total,
 * appended }`, numbered on from the seeded ones, which started at `first`); resolves with its
 * latency in ms.
 */
export async function appendOnce(run, first = 0) {
  const { id, users } = run.conversations[Math.floor(Math.random() * run.conversations.length)];
  const input = message(id, users[run.appended % 2], run.total + run.appended + first);
  run.appended += 1;
  const started = performance.now();
  const result = await run.store.appendMessage(input);
  const elapsed = performance.now() - started;
  if (!result?.created) throw new Error('append did not store a message');
  return elapsed;
}
