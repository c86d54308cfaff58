/**
 * Reactions in examples/react-chat, in two Chromium browsers: Ada reacts to Grace's message and
 * Grace's browser shows it live; Grace joins (her chip pressed), Ada takes hers back.
 *
 * Headless Chromium may draw emoji as boxes: the assertions read the chips' text, counts and
 * `aria-pressed`, never pixels. `UPDATE_SCREENSHOTS=1` writes docs/screenshots/reactions.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import {
  ada,
  grace,
  messages,
  openConversation,
  send,
  signUp,
  startConversation,
  twoPeopleInChromium,
} from './chat-page.js';

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
  const web = twoPeopleInChromium();

  it('Ada reacts to Grace’s message live; Grace joins; Ada takes hers back', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    await startConversation(web.gracePage, 'Direct', ada.name);
    await send(web.gracePage, question);

    await openConversation(web.adaPage, grace.name);
    const adaMessage = messages(web.adaPage).getByRole('listitem').filter({ hasText: question });
    await adaMessage.getByRole('button', { name: 'Add reaction' }).click();
    await adaMessage
      .getByRole('menu', { name: 'Pick a reaction' })
      .getByRole('menuitem', { name: '👍' })
      .click();
    await expect.poll(() => chipState(chip(web.adaPage, question, '👍'))).toEqual(['👍 1', 'true']);
    // Grace's browser, without a reload: Ada's reaction, not hers.
    await expect.poll(() => chipState(chip(web.gracePage, question, '👍'))).toEqual(['👍 1', 'false']);
    expect(await chip(web.gracePage, question, '👍').getAttribute('title')).toBe(
      `${ada.name} reacted with 👍`,
    );

    // Grace adds hers by clicking the chip: 2, pressed for her, not for Ada.
    await chip(web.gracePage, question, '👍').click();
    await expect.poll(() => chipState(chip(web.gracePage, question, '👍'))).toEqual(['👍 2', 'true']);
    await expect.poll(() => chipState(chip(web.adaPage, question, '👍'))).toEqual(['👍 2', 'true']);
    expect(await chip(web.adaPage, question, '👍').getAttribute('title')).toBe(
      `You, ${grace.name} reacted with 👍`,
    );

    // Ada takes hers back: 1 on both sides, Grace's still pressed, Ada's no more.
    await chip(web.adaPage, question, '👍').click();
    await expect.poll(() => chipState(chip(web.adaPage, question, '👍'))).toEqual(['👍 1', 'false']);
    await expect.poll(() => chipState(chip(web.gracePage, question, '👍'))).toEqual(['👍 1', 'true']);

    // One more for the screenshot: Ada's 🎉 beside Grace's 👍, and the picker open on Grace's side.
    await adaMessage.getByRole('button', { name: 'Add reaction' }).click();
    await adaMessage.getByRole('menuitem', { name: '🎉' }).click();
    await expect.poll(() => chipState(chip(web.gracePage, question, '🎉'))).toEqual(['🎉 1', 'false']);
    const graceMessage = messages(web.gracePage).getByRole('listitem').filter({ hasText: question });
    await graceMessage.getByRole('button', { name: 'Add reaction' }).click();
    await web.shots.snap(web.gracePage, 'reactions');
  });
});
