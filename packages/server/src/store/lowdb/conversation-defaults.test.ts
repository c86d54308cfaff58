import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { storeFixtures as f } from '../../testing/describe-store.js';
import { conversationDir } from './layout.js';
import { createLowdbStore } from './lowdb-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

it('reads a conversation written before assistant members as having none', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-lowdb-'));
  dirs.push(dataDir);
  const store = createLowdbStore({ dataDir });
  await store.init();
  const alice = randomUUID();
  const conversation = await store.createConversation(
    f.newConversation([alice], { assistant: { model: 'fast', respondTo: 'mentions' } }),
  );
  await store.close();
  // As an older version wrote it: no `assistant` in the meta.
  const metaPath = join(conversationDir(dataDir, conversation.id), 'meta.json');
  const meta = JSON.parse(await readFile(metaPath, 'utf8')) as { conversation: Record<string, unknown> };
  delete meta.conversation.assistant;
  await writeFile(metaPath, JSON.stringify(meta));

  const reopened = createLowdbStore({ dataDir });
  await reopened.init();
  expect((await reopened.getConversation(conversation.id))?.assistant).toBeNull();
  expect((await reopened.getMembership(conversation.id, alice))?.assistant).toBeNull();
  expect((await reopened.listConversationsForUser(alice, 5))[0]?.assistant).toBeNull();
  await reopened.close();
});
