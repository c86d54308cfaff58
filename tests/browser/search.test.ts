/**
 * Message search in examples/react-chat, in Chromium: Ada types into the sidebar's search box and
 * sees Grace's matching messages as she types — diacritics aside, the matching words marked —
 * and a click opens the conversation the hit is in. `UPDATE_SCREENSHOTS=1` writes
 * docs/screenshots/search.png.
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

describe.runIf(browserAvailable)('message search in examples/react-chat', () => {
  const web = twoPeopleInChromium();

  it('Ada types, sees the matching messages with marks, and opens one', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    await startConversation(web.gracePage, 'Direct', ada.name);
    await send(web.gracePage, 'The café on Rua Augusta opens at nine');
    await send(web.gracePage, 'Bring the compiler notes');
    await send(web.gracePage, 'Cafe first, then the compiler review?');
    // Ada's own chat with the assistant, so opening the hit has something to switch from.
    await startConversation(web.adaPage, 'Assistant');

    const box = web.adaPage.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('caf');
    const results = web.adaPage.getByRole('list', { name: 'Search results' });
    await expect.poll(() => results.getByRole('listitem').count()).toBe(2);
    // Typing on narrows it: every word must match, the last one as a prefix.
    await box.fill('cafe comp');
    await expect
      .poll(() => results.getByRole('listitem').allInnerTexts())
      .toEqual([expect.stringContaining('Cafe first, then the compiler review?')]);
    expect(await results.locator('mark').allInnerTexts()).toEqual(['Cafe', 'compiler']);
    await box.fill('cafe');
    await expect.poll(() => results.locator('mark').allInnerTexts()).toEqual(['Cafe', 'café']);
    await web.shots.snap(web.adaPage, 'search');

    await results.getByRole('button', { name: /Rua Augusta/ }).click();
    await messages(web.adaPage).getByText('The café on Rua Augusta opens at nine').waitFor();
    expect(await box.inputValue()).toBe('');
    await openConversation(web.adaPage, grace.name);
  });
});
