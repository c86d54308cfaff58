/**
 * examples/react-chat in Chromium, as two people use it: sign-up and sign-in, an assistant reply
 * streamed to the end, another stopped halfway (and regenerated), a group and a direct chat that
 * update live in the other person's browser, typing indicators, unread badges and presence.
 *
 * Screenshots of the main screens are taken on every run; `UPDATE_SCREENSHOTS=1` writes them to
 * docs/screenshots (shown in the README), otherwise to a temp dir.
 */
import { createClient } from '@chatwire/sdk';
import { demoTools, echoReply, resolveModels } from '@chatwire/server';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import {
  ada,
  composer,
  grace,
  messages,
  nextAssistantMessage,
  password,
  renderedText,
  send,
  signUp,
  squash,
  startConversation,
  twoPeopleInChromium,
} from './chat-page.js';

const reply = (content: string) => echoReply([{ role: 'user', content }]);
/** A reply's text as the page shows it: Markdown rendered (no `**` left), whitespace collapsed. */
const shown = async (answer: ReturnType<Page['locator']>) =>
  squash(await answer.locator('.bubble').innerText());

describe.runIf(browserAvailable)('examples/react-chat in Chromium', () => {
  // The echo model paced like a real one (20 ms a chunk), so a reply can be stopped halfway;
  // the demo tools on, as `example:web` has them (tools and parts: parts.test.ts). A failing step
  // leaves both screens behind, to see what the people saw.
  const web = twoPeopleInChromium({
    models: resolveModels({}, { echo: { chunkDelayMs: 20, firstChunkDelayMs: 100 } }),
    tools: demoTools,
  });

  const snap = (page: Page, name: string) => web.shots.snap(page, name);

  it('signs up, signs out and signs in', async () => {
    await Promise.all([signUp(web.gracePage, web.app.url, grace), signUp(web.adaPage, web.app.url, ada)]);
    await web.adaPage.getByRole('button', { name: 'Sign out' }).click();
    await web.adaPage.getByLabel('Email').fill(ada.email);
    await web.adaPage.getByLabel('Password').fill('wrong-password');
    await web.adaPage.getByRole('button', { name: 'Sign in' }).click();
    await web.adaPage.getByRole('alert').waitFor(); // the server's "wrong email or password", not a crash
    await web.adaPage.getByLabel('Password').fill(password);
    await snap(web.adaPage, 'login');
    await web.adaPage.getByRole('button', { name: 'Sign in' }).click();
    await web.adaPage.getByText('No conversations yet.').waitFor();
  });

  it('two people chat live: unread badges, presence, typing, messages without reload', async () => {
    // Ada starts a group and a direct chat with Grace, each with a first message.
    await startConversation(web.adaPage, 'Group', grace.name, 'Analytical Society');
    await send(web.adaPage, 'Welcome to the society, Grace!');
    await startConversation(web.adaPage, 'Direct', grace.name);
    await send(web.adaPage, 'Hi Grace! Got a minute?');

    // Both arrive in Grace's list live, unread, with Ada shown online.
    const graceList = web.gracePage.getByRole('navigation', { name: 'Conversations' });
    const direct = graceList.getByRole('button', { name: new RegExp(`^${ada.name} \\(online\\)`) });
    await direct.getByText('1 unread').waitFor();
    await graceList
      .getByRole('button', { name: /Analytical Society/ })
      .getByText('1 unread')
      .waitFor();
    await snap(web.gracePage, 'conversation-list');

    // Grace opens the chat: the badge goes, and what she types shows as typing on Ada's side.
    await direct.click();
    await messages(web.gracePage).getByText('Hi Grace! Got a minute?').waitFor();
    await expect.poll(() => direct.getByText('1 unread').count()).toBe(0);
    await composer(web.gracePage).pressSequentially('Sure, ', { delay: 20 });
    await web.adaPage.getByText(`${grace.name} is typing…`).waitFor();
    await composer(web.gracePage).pressSequentially('what about?', { delay: 20 });
    await composer(web.gracePage).press('Enter');
    await messages(web.adaPage).getByText('Sure, what about?').waitFor();
    await expect.poll(() => web.adaPage.getByText(`${grace.name} is typing…`).count()).toBe(0);

    await send(web.adaPage, 'Your compiler. Tell me everything!');
    await messages(web.gracePage).getByText('Your compiler. Tell me everything!').waitFor();
    await composer(web.adaPage).pressSequentially('And bring the notes', { delay: 20 });
    await web.gracePage.getByText(`${ada.name} is typing…`).waitFor();
    await snap(web.gracePage, 'direct-chat');
    expect(await web.adaPage.getByRole('main').getByText('Online').count()).toBe(1);
  });

  it('streams an assistant reply to the end', async () => {
    await startConversation(web.adaPage, 'Assistant');
    const question =
      'What could the Analytical Engine compute, and how would you program it with punched cards?';
    const answer = await nextAssistantMessage(web.adaPage);
    await composer(web.adaPage).fill(question);
    await composer(web.adaPage).press('Enter');
    await answer.and(web.adaPage.locator('[data-status="streaming"]')).waitFor();
    await expect.poll(async () => (await answer.innerText()).length).toBeGreaterThan(90);
    await snap(web.adaPage, 'assistant-streaming');
    await answer.and(web.adaPage.locator('[data-status="complete"]')).waitFor();
    // Markdown, rendered: the word count in bold, no asterisks left.
    expect(await shown(answer)).toBe(renderedText(reply(question)));
    await answer.locator('strong', { hasText: '15 words' }).waitFor();
    expect(await answer.innerText()).not.toContain('*');
  });

  it('stops a reply halfway, keeps the partial reply, and regenerates it', async () => {
    const question =
      'Tell me the whole story of the Difference Engine, the Analytical Engine, the punched cards and the notes, please';
    const answer = await nextAssistantMessage(web.adaPage);
    await composer(web.adaPage).fill(question);
    await composer(web.adaPage).press('Enter');
    await expect.poll(() => answer.innerText()).toMatch(/^You said/);
    await web.adaPage.getByRole('button', { name: 'Stop' }).click();

    await answer.and(web.adaPage.locator('[data-status="aborted"]')).waitFor();
    await answer.getByText('Stopped').waitFor();
    const partial = await shown(answer);
    expect(partial.length).toBeGreaterThan(0);
    // (A `**` cut in half shows its asterisks: compared without them.)
    const whole = renderedText(reply(question));
    expect(whole.startsWith(renderedText(partial))).toBe(true);
    expect(partial.length).toBeLessThan(whole.length);

    // Stored as stopped: a reload shows the same partial reply.
    await web.adaPage.reload();
    await answer.and(web.adaPage.locator('[data-status="aborted"]')).waitFor();
    expect(await shown(answer)).toBe(partial);

    await web.adaPage.getByRole('button', { name: /Regenerate/ }).click();
    await answer.and(web.adaPage.locator('[data-status="complete"]')).waitFor();
    expect(await shown(answer)).toBe(whole);
  });

  it('says when a reply was cut off at the length limit of the model', async () => {
    const question = 'Write me a long letter about the Jacquard loom';
    const answer = await nextAssistantMessage(web.adaPage);
    await composer(web.adaPage).fill(question);
    await composer(web.adaPage).press('Enter');
    await answer.and(web.adaPage.locator('[data-status="complete"]')).waitFor();
    await answer.getByText('Cut off: the model reached its length limit.').waitFor();
    const text = await shown(answer);
    // The start of what echo would say, stopped at its output limit (120 tokens, ~4 characters each).
    const whole = renderedText(reply(question));
    expect(whole.startsWith(renderedText(text).slice(0, 200))).toBe(true);
    expect(text.length).toBeLessThan(whole.length);
    await snap(web.adaPage, 'reply-cut-off');
  });

  it('loads older messages on demand', async () => {
    // Forty messages from Grace (over the API): more than a page.
    const client = createClient({ baseUrl: web.server.url });
    await client.auth.login({ email: grace.email, password });
    const { items } = await client.conversations.list();
    const group = items.find((conversation) => conversation.title === 'Analytical Society');
    for (let n = 1; n <= 40; n += 1) await client.messages.send(group?.id ?? '', { content: `Minute ${n}` });

    await web.adaPage.reload(); // a fresh start: only the newest page of each chat is loaded
    await web.adaPage.getByRole('button', { name: /Analytical Society/ }).click();
    await messages(web.adaPage).getByText('Minute 40', { exact: true }).waitFor();
    expect(await messages(web.adaPage).getByText('Minute 1', { exact: true }).count()).toBe(0);
    await web.adaPage.getByRole('button', { name: 'Load older messages' }).click();
    await messages(web.adaPage).getByText('Minute 1', { exact: true }).waitFor();
    await messages(web.adaPage).getByText('Welcome to the society, Grace!').waitFor();
  });
});
