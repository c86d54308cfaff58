/**
 * Writes whole conversations straight into a data directory, in the store's file format: for
 * seeding benchmarks and demos, or importing history, at file-write speed instead of one
 * `appendMessage` at a time.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ConversationRecord,
  MessageRecord,
  NewConversation,
  NewMessage,
  ParticipantRecord,
} from '../store.js';
import { StoreConflictError } from '../store.js';
import { JsonDocument } from './documents.js';
import {
  CATALOG_FILE,
  type ConversationMetaFile,
  CREATING_PREFIX,
  conversationDir,
  conversationsDir,
  DEFAULT_SEGMENT_SIZE,
  FORMAT_VERSION,
  isSafeConversationId,
  META_FILE,
  segmentFileName,
} from './layout.js';
import { catalogFileOf } from './segment-catalog.js';
import { LoadedSegment, segmentAdapter } from './segments.js';

/** Options of {@link importConversation}. */
export interface ImportOptions {
  /** Messages per segment file; use the store's `segmentSize` (default 100, as the store). */
  segmentSize?: number;
}

/**
 * Writes `conversation` with `messages` (in order: they get `seq` 1, 2, …) into `dataDir`, as
 * if every message had been appended: counts, last message, activity and each sender's read
 * marker are set accordingly. Run it while no store has `dataDir` open — an open store would
 * not see the import until its next `init()`.
 *
 * @throws StoreConflictError('conflict') when the conversation directory already exists.
 *
 * @example
 * await importConversation(dataDir, conversation, messages);
 * const store = createLowdbStore({ dataDir });
 * await store.init(); // sees the imported conversation
 */
export async function importConversation(
  dataDir: string,
  conversation: NewConversation,
  messages: readonly NewMessage[],
  options: ImportOptions = {},
): Promise<ConversationRecord> {
  const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  if (!isSafeConversationId(conversation.id)) {
    throw new RangeError(`Conversation id ${JSON.stringify(conversation.id)} cannot name a directory`);
  }
  const stored: MessageRecord[] = messages.map((message, i) => ({
    ...message,
    seq: i + 1,
    reactions: [],
    pinnedAt: null,
    pinnedBy: null,
  }));
  const lastMessage = stored.at(-1) ?? null;
  const record: ConversationRecord = {
    ...conversation,
    participants: conversation.participants.map((participant) => markerAfter(participant, stored)),
    messageCount: stored.length,
    lastMessage,
    lastActivityAt: lastMessage?.createdAt ?? conversation.createdAt,
  };

  // Written in a staging directory and renamed into place, as a created conversation is.
  const staging = join(conversationsDir(dataDir), `${CREATING_PREFIX}${conversation.id}-${randomUUID()}`);
  await mkdir(staging, { recursive: true });
  try {
    const segments: LoadedSegment[] = [];
    for (let start = 0; start < stored.length; start += segmentSize) {
      const number = segments.length + 1;
      const data = {
        version: FORMAT_VERSION,
        firstSeq: start + 1,
        messages: stored.slice(start, start + segmentSize),
      };
      const path = join(staging, segmentFileName(number));
      const segment = new LoadedSegment(number, new JsonDocument(path, data, segmentAdapter(path)));
      await segment.document.commit(data);
      segments.push(segment);
    }
    if (segments.length > 1) {
      const catalog = catalogFileOf(segments.slice(0, -1));
      await new JsonDocument(join(staging, CATALOG_FILE), catalog).commit(catalog);
    }
    const meta: ConversationMetaFile = {
      version: FORMAT_VERSION,
      conversation: record,
      lastSegment: segments.length,
    };
    await new JsonDocument(join(staging, META_FILE), meta).commit(meta);
    await rename(staging, conversationDir(dataDir, conversation.id)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOTEMPTY' || error.code === 'EEXIST'
        ? new StoreConflictError('conflict')
        : error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return record;
}

/** A participant's read marker after the import: at their own last message, if later. */
function markerAfter(participant: ParticipantRecord, messages: readonly MessageRecord[]): ParticipantRecord {
  const own = messages.findLast((message) => message.senderId === participant.userId);
  if (!own || own.seq <= participant.readCount) return { ...participant };
  return { ...participant, readCount: own.seq, lastReadMessageId: own.id };
}
