/**
 * Builds the lowdb store's search index at start-up from what is on disk: every segment of every
 * conversation, read straight from its file (not through the segment cache, so the start-up
 * does not evict the newest segments the appends want warm). Measured in `bench/search.mjs`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageRecord } from '../store.js';
import type { ConversationState } from './conversation-state.js';
import { ioFailure } from './documents.js';
import { segmentFileName } from './layout.js';
import { MessageSearchIndex } from './search-index.js';

/** How many segment files are read at once: enough to overlap I/O, few file descriptors. */
const READ_CONCURRENCY = 16;

/** Only what indexing needs; segments older than a field may lack others. */
type StoredMessage = Pick<MessageRecord, 'id' | 'conversationId' | 'status' | 'content' | 'createdAt'>;

/** The index over every message of `conversations` (their current state: segments 1…lastSegment). */
export async function buildSearchIndex(
  conversations: readonly ConversationState[],
): Promise<MessageSearchIndex> {
  const index = new MessageSearchIndex();
  const files: string[] = [];
  for (const conversation of conversations) {
    for (let segment = 1; segment <= conversation.current.lastSegment; segment++)
      files.push(join(conversation.dir, segmentFileName(segment)));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const path = files[next++]!;
      for (const message of await readMessages(path)) index.put(message as MessageRecord);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return index;
}

async function readMessages(path: string): Promise<StoredMessage[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // A segment the meta names but that is not there yet (the open one before its first write).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioFailure(`cannot read ${path}`, error);
  }
  try {
    const parsed = JSON.parse(text) as { messages?: StoredMessage[] };
    return Array.isArray(parsed.messages) ? parsed.messages : [];
  } catch (error) {
    throw ioFailure(`cannot parse ${path}`, error);
  }
}
