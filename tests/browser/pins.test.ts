/**
 * Pins in examples/react-chat, in two Chromium browsers: Ada pins Grace's message and Grace's
 * browser shows it in the pinned bar live; Ada unpins it and the bar goes. `UPDATE_SCREENSHOTS=1`
 * writes docs/screenshots/pins.png.
 */
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

const plan = 'Release notes go out Friday at noon';

describe.runIf(browserAvailable)('pins in examples/react-chat', () => {
  const web = twoPeopleInChromium();

  it('Ada pins Grace’s message; Grace sees it pinned live; Ada unpins it', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    await startConversation(web.gracePage, 'Direct', ada.name);
    await send(web.gracePage, plan);
    await send(web.gracePage, 'And the demo on Monday');

    await openConversation(web.adaPage, grace.name);
    const adaMessage = messages(web.adaPage).getByRole('listitem').filter({ hasText: plan });
    await adaMessage.getByRole('button', { name: 'Pin' }).click();
    const graceBar = web.gracePage.getByRole('region', { name: 'Pinned messages' });
    await expect.poll(() => graceBar.getByRole('listitem').allInnerTexts()).toEqual([plan]);
    const graceMessage = messages(web.gracePage).getByRole('listitem').filter({ hasText: plan });
    await expect.poll(() => graceMessage.getByRole('button', { name: 'Unpin' }).count()).toBe(1);
    await web.shots.snap(web.gracePage, 'pins');

    await adaMessage.getByRole('button', { name: 'Unpin' }).click();
    await expect.poll(() => graceBar.count()).toBe(0);
  });
});
