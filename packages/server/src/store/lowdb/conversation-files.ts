/**
 * Conversation directories on disk: loading (with crash repair), creating and deleting them so
 * that a crash leaves either the whole directory or none of it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StoreUnavailableError } from '../store.js';
import { withConversationDefaults } from './conversation-defaults.js';
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
import { LoadedSegment, type SegmentCache, segmentAdapter } from './segments.js';

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
 * Loads one conversation: its meta checkpoint, with the messages past it replayed from the
 * newest segments (see `reconcile.ts`). Nothing is written: the replayed state is returned as
 * `current`, ahead of the meta (the state is then `dirty`, for the caller to checkpoint). The
 * newest segment is left in `segments`, warm for the next append.
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
  const checkpoint = withConversationDefaults(meta.data);
  // The store checkpoints the meta before it starts a new segment, so at most one segment lies
  // past the one the meta names: an append that rolled over, and no checkpoint since.
  const next = checkpoint.lastSegment + 1;
  const nextPath = join(dir, segmentFileName(next));
  const nextDocument = await JsonDocument.read(nextPath, isSegmentFile, segmentAdapter(nextPath));
  const newest: LoadedSegment[] = [];
  if (nextDocument) {
    const segment = new LoadedSegment(next, nextDocument);
    segments.put(id, segment);
    newest.push(segment);
  }
  // The meta's own segment: the open one, or — when a next one exists — holding messages past
  // the checkpoint only if the checkpoint stopped short of its end (never, with this store's
  // order of writes; a data dir from elsewhere may differ). An empty next one tells nothing.
  const needsNamed =
    checkpoint.lastSegment > 0 &&
    (!nextDocument ||
      nextDocument.data.messages.length === 0 ||
      checkpoint.conversation.messageCount < nextDocument.data.firstSeq - 1);
  if (needsNamed) newest.unshift(await segments.get(id, dir, checkpoint.lastSegment));
  return new ConversationState(dir, meta, reconcileMeta(checkpoint, newest));
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
