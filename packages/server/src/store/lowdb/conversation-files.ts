/**
 * Conversation directories on disk: loading (with crash repair), creating and deleting them so
 * that a crash leaves either the whole directory or none of it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StoreUnavailableError } from '../store.js';
import { ConversationState } from './conversation-state.js';
import { ioFailure, JsonDocument } from './documents.js';
import { isConversationMetaFile, isSegmentFile } from './file-shapes.js';
import {
  type ConversationMetaFile,
  CREATING_PREFIX,
  conversationDir,
  conversationsDir,
  DELETING_PREFIX,
  isSafeConversationId,
  META_FILE,
  segmentFileName,
} from './layout.js';
import { reconcileMeta } from './reconcile.js';
import { LoadedSegment, type SegmentCache } from './segments.js';

/** How many conversation directories start-up reads at once: enough to overlap I/O, few fds. */
const LOAD_CONCURRENCY = 32;

/**
 * Lists the conversation directories under `dataDir` (creating the folder on first start) and
 * removes what a crash left of creations and deletions.
 */
export async function listConversationDirs(dataDir: string): Promise<string[]> {
  const root = conversationsDir(dataDir);
  try {
    await mkdir(root, { recursive: true });
    const entries = await readdir(root, { withFileTypes: true });
    const ids: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (entry.name.startsWith(CREATING_PREFIX) || entry.name.startsWith(DELETING_PREFIX)) {
        await rm(join(root, entry.name), { recursive: true, force: true });
      } else if (isSafeConversationId(entry.name)) {
        ids.push(entry.name);
      }
    }
    return ids;
  } catch (error) {
    throw ioFailure(`cannot list ${root}`, error);
  }
}

/**
 * Loads one conversation: its meta, reconciled with the newest segment on disk (the segment is
 * the truth after a crash between the segment and the meta write). The newest segment is left
 * in `segments`, warm for the next append.
 */
export async function loadConversation(dir: string, segments: SegmentCache): Promise<ConversationState> {
  const path = join(dir, META_FILE);
  const meta = await JsonDocument.read(path, isConversationMetaFile);
  if (!meta) {
    throw new StoreUnavailableError(
      `lowdb store: ${path} is missing; restore it from a backup or remove the directory ${dir}`,
    );
  }
  const id = basename(dir);
  if (meta.data.conversation.id !== id) {
    throw new StoreUnavailableError(
      `lowdb store: ${path} describes conversation ${meta.data.conversation.id}, not ${id}; ` +
        'restore it from a backup',
    );
  }
  // An append that rolled over to a new segment and crashed before its meta write left one
  // segment past the meta's last; never more, since each append waits for its meta write.
  const next = meta.data.lastSegment + 1;
  const nextDocument = await JsonDocument.read(join(dir, segmentFileName(next)), isSegmentFile);
  let last: LoadedSegment | null = null;
  if (nextDocument) {
    last = new LoadedSegment(next, nextDocument);
    segments.put(id, last);
  } else if (meta.data.lastSegment > 0) {
    last = await segments.get(id, dir, meta.data.lastSegment);
  }
  const reconciled = reconcileMeta(meta.data, last);
  if (reconciled !== meta.data) await meta.commit(reconciled);
  return new ConversationState(dir, meta);
}

/** Loads every conversation of `dataDir`, a few at a time. */
export async function loadConversations(
  dataDir: string,
  segments: SegmentCache,
): Promise<ConversationState[]> {
  const ids = await listConversationDirs(dataDir);
  const states: ConversationState[] = [];
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < ids.length) {
      const id = ids[nextIndex++]!;
      states.push(await loadConversation(conversationDir(dataDir, id), segments));
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, ids.length) }, worker));
  return states;
}

/**
 * Creates the directory of a new conversation with its meta, atomically: the meta is written in
 * a temporary directory that is renamed into place, so a crash leaves no half-made conversation.
 */
export async function createConversationDir(
  dataDir: string,
  meta: ConversationMetaFile,
): Promise<ConversationState> {
  const id = meta.conversation.id;
  const dir = conversationDir(dataDir, id);
  const staging = join(conversationsDir(dataDir), `${CREATING_PREFIX}${id}-${randomUUID()}`);
  try {
    await mkdir(staging, { recursive: true });
    await new JsonDocument(join(staging, META_FILE), meta).commit(meta);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw ioFailure(`cannot create ${dir}`, error);
  }
  return new ConversationState(dir, new JsonDocument(join(dir, META_FILE), meta));
}

/**
 * Deletes a conversation directory with its messages. The rename is the atomic step (after it,
 * the conversation is gone even if the process dies); the removal follows and is finished by
 * the next start-up if it is interrupted.
 */
export async function deleteConversationDir(dataDir: string, id: string): Promise<void> {
  const dir = conversationDir(dataDir, id);
  const doomed = join(conversationsDir(dataDir), `${DELETING_PREFIX}${id}-${randomUUID()}`);
  try {
    await rename(dir, doomed);
  } catch (error) {
    throw ioFailure(`cannot delete ${dir}`, error);
  }
  await rm(doomed, { recursive: true, force: true }).catch(() => undefined);
}
