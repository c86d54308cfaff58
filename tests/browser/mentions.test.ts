/**
 * Mentions and read receipts in examples/react-chat, in two Chromium browsers: Ada mentions Grace
 * through the composer's @ autocomplete; Grace's sidebar shows the @ badge; Grace opens the chat
 * and Ada's browser shows "Seen by Grace Hopper" under her message, live.
 * `UPDATE_SCREENSHOTS=1` writes docs/screenshots/mentions.png.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import {
  ada,
  composer,
  grace,
  messages,
  openConversation,
  signUp,
  startConversation,
  twoPeopleInChromium,
} from './chat-page.js';

describe.runIf(browserAvailable)('mentions in examples/react-chat', () => {
  const web = twoPeopleInChromium();

  it('Ada mentions Grace; Grace sees the @ badge, opens the chat; Ada sees "Seen by"', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    await startConversation(web.adaPage, 'Direct', grace.name);

    await composer(web.adaPage).fill('Thanks @gra');
    await web.adaPage
      .getByRole('list', { name: 'Mention someone' })
      .getByRole('button', { name: `@${grace.name}` })
      .click();
    await expect.poll(() => composer(web.adaPage).inputValue()).toBe(`Thanks @${grace.name} `);
    await composer(web.adaPage).pressSequentially('for the review!');
    await composer(web.adaPage).press('Enter');
    const sent = messages(web.adaPage).locator('.message.mine[data-delivery="sent"]');
    await sent.locator('mark.mention').getByText(`@${grace.name}`).waitFor();

    // Grace's sidebar: the @ badge on the chat with Ada, before she opens it.
    const entry = web.gracePage
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: new RegExp(`^${ada.name}`) });
    await entry.locator('.badge.mention').waitFor();
    expect(await entry.innerText()).toContain('@');

    await openConversation(web.gracePage, ada.name);
    await messages(web.gracePage).locator('mark.mention.me').getByText(`@${grace.name}`).waitFor();
    await expect.poll(() => entry.locator('.badge.mention').count()).toBe(0);

    // Ada's browser, without a reload: Grace's read receipt under her message.
    await sent.locator('.seen-by').getByText(`Seen by ${grace.name}`).waitFor();
    await composer(web.adaPage).fill('And @');
    await web.adaPage.getByRole('list', { name: 'Mention someone' }).waitFor();
    await web.shots.snap(web.adaPage, 'mentions');
  });
});
