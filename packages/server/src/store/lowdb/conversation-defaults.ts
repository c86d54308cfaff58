/**
 * Conversation metas written before a field existed lack it: it reads as its default, so every
 * record in memory has the whole shape (`assistant` came with assistants in human conversations).
 * Fixed in place on the freshly read meta, as `segments.ts` does for messages.
 */
import type { ConversationRecord } from '../store.js';
import type { ConversationMetaFile } from './layout.js';

export function withConversationDefaults(meta: ConversationMetaFile): ConversationMetaFile {
  const conversation = meta.conversation as Partial<ConversationRecord>;
  conversation.assistant ??= null;
  return meta;
}
