/**
 * The records the `describeStore` suite builds, for implementation-specific tests to build the
 * same data (as `storeFixtures`).
 */
import { randomUUID } from 'node:crypto';
import type { FilePart } from '@chatwire/sdk/contracts';
import type {
  FileRecord,
  MessageRecord,
  NewConversation,
  NewMessage,
  ParticipantRecord,
  RefreshTokenRecord,
  Store,
  UserRecord,
} from '../store/store.js';

/** Record builders the suite uses, for implementation-specific tests to build the same data. */
export const storeFixtures = {
  at,
  newUser,
  newToken,
  nextToken,
  participant,
  newConversation,
  newDirect,
  newMessage,
  appendMany,
  newFile,
  filePart,
};

/** Seconds after a fixed epoch, as ISO timestamps: tests order by them. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2030, 0, 1) + seconds * 1000).toISOString();
}

export function userId(): string {
  return randomUUID();
}

export function newUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const email = overrides.email ?? `${randomUUID()}@example.com`;
  return {
    id: randomUUID(),
    email,
    emailKey: email.toLowerCase(),
    displayName: 'User',
    avatarUrl: null,
    statusText: null,
    passwordHash: 'hash',
    createdAt: at(0),
    deletedAt: null,
    ...overrides,
  };
}

export function newToken(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    hash: randomUUID(),
    userId: randomUUID(),
    familyId: randomUUID(),
    createdAt: at(0),
    expiresAt: at(3600),
    spentAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function nextToken(): Omit<RefreshTokenRecord, 'familyId' | 'userId'> {
  const { familyId: _family, userId: _user, ...rest } = newToken();
  return rest;
}

export function participant(id: string): ParticipantRecord {
  return { userId: id, role: 'member', joinedAt: at(0), readCount: 0, lastReadMessageId: null };
}

export function newConversation(
  userIds: string[],
  overrides: Partial<NewConversation> = {},
): NewConversation {
  return {
    id: randomUUID(),
    type: 'group',
    title: 'Test',
    model: null,
    systemPrompt: null,
    createdAt: at(1),
    updatedAt: at(1),
    directKey: null,
    participants: userIds.map(participant),
    assistant: null,
    ...overrides,
  };
}

export function newDirect(a: string, b: string): NewConversation & { directKey: string } {
  return { ...newConversation([a, b]), type: 'direct', title: null, directKey: [a, b].sort().join(':') };
}

export function newMessage(
  conversationId: string,
  senderId: string | null,
  overrides: Partial<NewMessage> = {},
): NewMessage {
  return {
    id: randomUUID(),
    conversationId,
    senderId,
    role: senderId === null ? 'assistant' : 'user',
    content: 'hello',
    parts: [{ type: 'text', text: overrides.content ?? 'hello' }],
    status: 'complete',
    clientMessageId: randomUUID(),
    model: null,
    usage: null,
    finishReason: null,
    stale: false,
    promptId: null,
    clientTools: null,
    createdAt: at(2),
    editedAt: null,
    mentions: [],
    ...overrides,
  };
}

/** Appends `count` messages one after another; returns them in seq order. */
export async function appendMany(store: Store, conversationId: string, senderId: string, count: number) {
  const messages: MessageRecord[] = [];
  for (let i = 0; i < count; i++) {
    const result = await store.appendMessage(
      newMessage(conversationId, senderId, { content: `message ${i}` }),
    );
    messages.push(result!.message);
  }
  return messages;
}

/** A `ready`, unattached upload of `ownerId`'s, expiring a day after {@link at}(0). */
export function newFile(ownerId: string, overrides: Partial<FileRecord> = {}): FileRecord {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    ownerId,
    name: 'photo.png',
    mediaType: 'image/png',
    size: 1000,
    sha256: 'ab'.repeat(32),
    width: 640,
    height: 480,
    storageKey: `files/${id}`,
    status: 'ready',
    conversationId: null,
    messageId: null,
    createdAt: at(0),
    expiresAt: at(86_400),
    ...overrides,
  };
}

/** The `file` part a message shows `file` with (what attaches it, on append). */
export function filePart(file: Pick<FileRecord, 'id' | 'mediaType' | 'name' | 'size'>): FilePart {
  return {
    type: 'file',
    fileId: file.id,
    mediaType: file.mediaType,
    filename: file.name,
    size: file.size,
    url: `/v1/files/${file.id}/content`,
  };
}
