// The records the storage benches seed and append: direct conversations of two made-up users and
// messages of ordinary chat length, timestamped from a fixed base. Shared so that the lowdb and
// PostgreSQL benches measure the same data.
import { randomUUID } from 'node:crypto';
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
  return {
    id: randomUUID(),
    conversationId,
    senderId,
    role: 'user',
    content: `Message number ${n}: ${CONTENT}`,
    status: 'complete',
    clientMessageId: randomUUID(),
    model: null,
    usage: null,
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
