import type { MessagePart } from '@chatwire/sdk/contracts';
import { describe, expect, it } from 'vitest';
import type { ConversationRecord, MessageRecord } from '../store/store.js';
import { fileContentPath } from './attachments.js';
import { createPresenter } from './views.js';

const record = (parts: MessagePart[]): MessageRecord => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderId: 'ada',
  role: 'user',
  parts,
  content: '',
  status: 'complete',
  clientMessageId: null,
  model: null,
  usage: null,
  finishReason: null,
  stale: false,
  promptId: null,
  clientTools: null,
  reactions: [],
  mentions: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  parentId: null,
  alsoInConversation: false,
  thread: null,
  quoted: null,
  pinnedAt: null,
  pinnedBy: null,
});

const filePart = (fileId: string): MessagePart => ({
  type: 'file',
  fileId,
  mediaType: 'image/png',
  filename: `${fileId}.png`,
  size: 3,
  url: fileContentPath(fileId),
});

let signed = 0;
const present = createPresenter({ fileUrls: { url: (fileId) => `/signed/${fileId}/${++signed}` } });

describe('the presenter', () => {
  it('signs each file part as the message goes out, and leaves the stored record as it was', () => {
    const stored = record([{ type: 'text', text: 'look' }, filePart('f1'), filePart('f2')]);
    const first = present.message(stored);
    const second = present.message(stored);
    expect(first.parts.map((part) => (part.type === 'file' ? part.url : part.type))).toEqual([
      'text',
      expect.stringMatching(/^\/signed\/f1\//),
      expect.stringMatching(/^\/signed\/f2\//),
    ]);
    expect(second.parts[1]).not.toEqual(first.parts[1]); // fresh each time it goes out
    expect(stored.parts[1]).toMatchObject({ url: '/v1/files/f1/content' });
  });

  it('hands a message without files out as it is, with no copy of its parts', () => {
    const stored = record([{ type: 'text', text: 'plain' }]);
    expect(present.message(stored).parts).toBe(stored.parts);
  });

  it("signs a conversation's last message too", () => {
    const conversation: ConversationRecord = {
      id: 'c1',
      type: 'direct',
      assistant: null,
      title: null,
      model: null,
      systemPrompt: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      directKey: 'ada:bob',
      participants: [{ userId: 'ada', role: 'member', joinedAt: '', readCount: 0, lastReadMessageId: null }],
      messageCount: 1,
      lastMessage: record([filePart('f3')]),
      lastActivityAt: '2026-01-01T00:00:00.000Z',
    };
    const view = present.conversation(conversation, 'ada');
    expect(view.lastMessage?.parts[0]).toMatchObject({ url: expect.stringMatching(/^\/signed\/f3\//) });
    expect(view.unreadCount).toBe(1);
  });
});
