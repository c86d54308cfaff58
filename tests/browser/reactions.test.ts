/**
 * Reactions in examples/react-chat, in two Chromium browsers: Ada reacts to Grace's message and
 * Grace's browser shows it live; Grace joins (her chip pressed), Ada takes hers back.
 *
 * Headless Chromium may draw emoji as boxes: the assertions read the chips' text, counts and
 * `aria-pressed`, never pixels. `UPDATE_SCREENSHOTS=1` writes docs/screenshots/reactions.png.
 */
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { browserAvailable, launchChromium } from '../support/chromium.js';
import { messages, screenshotDir, send, signUp, snapFailure, startConversation } from './chat-page.js';
import { type ServedApp, serveReactChat } from './react-chat-app.js';

const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };
const grace = { name: 'Grace Hopper', email: 'grace@example.com' };
const question = 'Shall we ship the compiler on Friday?';

/** The chip of `emoji` under the message that says `text`. */
const chip = (page: Page, text: string, emoji: string) =>
  messages(page).getByRole('listitem').filter({ hasText: text }).locator(`.reaction[data-emoji="${emoji}"]`);

/** What a chip says and whether it is pressed: `['👍 1', 'true']`, or null while there is none. */
const chipState = async (locator: ReturnType<typeof chip>) =>
  (await locator.count()) === 0
    ? null
    : [(await locator.innerText()).replace(/\s+/g, ' ').trim(), await locator.getAttribute('aria-pressed')];

describe.runIf(browserAvailable)('reactions in examples/react-chat', () => {
  let server: TestServer;
  let app: ServedApp;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let adaPage: Page;
  let gracePage: Page;
  let shots: Awaited<ReturnType<typeof screenshotDir>>;

  beforeAll(async () => {
    server = await startTestServer();
    [app, browser] = await Promise.all([serveReactChat(server.url), launchChromium()]);
    contexts = await Promise.all(
      [1, 2].map(() => browser.newContext({ viewport: { width: 1100, height: 680 } })),
    );
    for (const context of contexts) context.setDefaultTimeout(8_000);
    [adaPage, gracePage] = await Promise.all(contexts.map((context) => context.newPage()));
    shots = await screenshotDir();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
    await shots?.close();
  });

  beforeEach(() => {
    onTestFailed(() => snapFailure({ ada: adaPage, grace: gracePage }));
  });

  it('Ada reacts to Grace’s message live; Grace joins; Ada takes hers back', async () => {
    await Promise.all([signUp(adaPage, app.url, ada), signUp(gracePage, app.url, grace)]);
    await startConversation(gracePage, 'Direct', ada.name);
    await send(gracePage, question);

    await adaPage
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: new RegExp(`^${grace.name}`) })
      .click();
    const adaMessage = messages(adaPage).getByRole('listitem').filter({ hasText: question });
    await adaMessage.getByRole('button', { name: 'Add reaction' }).click();
    await adaMessage
      .getByRole('menu', { name: 'Pick a reaction' })
      .getByRole('menuitem', { name: '👍' })
      .click();
    await expect.poll(() => chipState(chip(adaPage, question, '👍'))).toEqual(['👍 1', 'true']);
    // Grace's browser, without a reload: Ada's reaction, not hers.
    await expect.poll(() => chipState(chip(gracePage, question, '👍'))).toEqual(['👍 1', 'false']);
    expect(await chip(gracePage, question, '👍').getAttribute('title')).toBe(`${ada.name} reacted with 👍`);

    // Grace adds hers by clicking the chip: 2, pressed for her, not for Ada.
    await chip(gracePage, question, '👍').click();
    await expect.poll(() => chipState(chip(gracePage, question, '👍'))).toEqual(['👍 2', 'true']);
    await expect.poll(() => chipState(chip(adaPage, question, '👍'))).toEqual(['👍 2', 'true']);
    expect(await chip(adaPage, question, '👍').getAttribute('title')).toBe(
      `You, ${grace.name} reacted with 👍`,
    );

    // Ada takes hers back: 1 on both sides, Grace's still pressed, Ada's no more.
    await chip(adaPage, question, '👍').click();
    await expect.poll(() => chipState(chip(adaPage, question, '👍'))).toEqual(['👍 1', 'false']);
    await expect.poll(() => chipState(chip(gracePage, question, '👍'))).toEqual(['👍 1', 'true']);

    // One more for the screenshot: Ada's 🎉 beside Grace's 👍, and the picker open on Grace's side.
    await adaMessage.getByRole('button', { name: 'Add reaction' }).click();
    await adaMessage.getByRole('menuitem', { name: '🎉' }).click();
    await expect.poll(() => chipState(chip(gracePage, question, '🎉'))).toEqual(['🎉 1', 'false']);
    const graceMessage = messages(gracePage).getByRole('listitem').filter({ hasText: question });
    await graceMessage.getByRole('button', { name: 'Add reaction' }).click();
    await shots.snap(gracePage, 'reactions');
  });
});
