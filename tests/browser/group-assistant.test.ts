/**
 * An assistant in a group of examples/react-chat, in two Chromium browsers: Ada (the owner) adds
 * the assistant, answering mentions; Grace asks `@assistant …`; both see the echo model's answer,
 * attributed to its alias, and Ada's window says what it is doing while it writes.
 * `UPDATE_SCREENSHOTS=1` writes docs/screenshots/group-assistant.png.
 */
import { resolveModels } from '@chatwire/server';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import {
  ada,
  grace,
  messages,
  openConversation,
  send,
  signUp,
  squash,
  startConversation,
  twoPeopleInChromium,
} from './chat-page.js';

const question = '@assistant what is the plan for Friday?';

describe.runIf(browserAvailable)('an assistant in a group in examples/react-chat', () => {
  // Paced like a real model, so that the reply is still being written when the people look.
  const web = twoPeopleInChromium({
    models: resolveModels({}, { echo: { chunkDelayMs: 25, firstChunkDelayMs: 0 } }),
  });

  it('the owner adds it; Grace mentions it; both see its answer as "echo", and what it is doing', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    await startConversation(web.adaPage, 'Group', grace.name, 'Launch');
    await send(web.adaPage, 'Morning! Launch is on Friday.');

    await web.adaPage.getByRole('button', { name: 'Add an assistant' }).click();
    const form = web.adaPage.getByRole('form', { name: 'Assistant' });
    await expect.poll(() => form.getByLabel('Model').inputValue()).toBe('echo');
    await form.getByLabel('Answers').selectOption('mentions');
    await form.getByRole('button', { name: 'Save' }).click();
    await web.adaPage.getByText('answers @assistant or @echo').waitFor();

    await openConversation(web.gracePage, 'Launch');
    // Grace is a member, not the owner: she sees the assistant, and no way to change it.
    await web.gracePage.getByText('answers @assistant or @echo').waitFor();
    expect(await web.gracePage.getByRole('button', { name: 'Change' }).count()).toBe(0);
    await send(web.gracePage, 'Without a mention nobody answers.');
    await send(web.gracePage, question);

    // Ada's window, live: the assistant's state while it writes, then its answer, as "echo".
    await web.adaPage.locator('.assistant-activity', { hasText: 'echo is writing…' }).waitFor();
    for (const page of [web.adaPage, web.gracePage]) {
      const reply = messages(page).locator('.message.assistant[data-status="complete"]');
      await reply.waitFor({ timeout: 20_000 });
      expect(await reply.count()).toBe(1);
      expect(squash(await reply.locator('.sender').innerText())).toBe('echo');
      expect(squash(await reply.locator('.bubble').innerText())).toContain('You said');
      expect(squash(await reply.locator('.bubble').innerText())).toContain('Grace Hopper');
    }
    await web.adaPage.locator('.assistant-activity').waitFor({ state: 'detached' });
    await web.shots.snap(web.adaPage, 'group-assistant');
  });
});
