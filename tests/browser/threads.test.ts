/**
 * Threads and quotes in examples/react-chat, in two Chromium browsers: Grace replies to Ada's
 * message in its thread and Ada's browser shows the count and the reply live; Ada replies "also
 * in the conversation"; Grace quotes Ada's message and the sent message shows the quote.
 * `UPDATE_SCREENSHOTS=1` writes docs/screenshots/threads.png.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import {
  ada,
  composer,
  grace,
  messages,
  openConversation,
  send,
  signUp,
  startConversation,
  twoPeopleInChromium,
} from './chat-page.js';

const question = 'Who reviews the parser today?';

describe.runIf(browserAvailable)('threads in examples/react-chat', () => {
  const web = twoPeopleInChromium();

  it('a reply in a thread shows live on the other side, with the count; a quote shows on the sent message', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    await startConversation(web.adaPage, 'Direct', grace.name);
    await send(web.adaPage, question);

    await openConversation(web.gracePage, ada.name);
    const graceQuestion = messages(web.gracePage).getByRole('listitem').filter({ hasText: question });
    await graceQuestion.getByRole('button', { name: 'Reply in thread' }).click();
    const graceThread = web.gracePage.getByRole('complementary', { name: 'Thread' });
    await graceThread.getByRole('textbox', { name: 'Reply' }).fill('I will, after lunch.');
    await graceThread.getByRole('button', { name: 'Reply', exact: true }).click();
    await graceThread.getByRole('list', { name: 'Replies' }).getByText('I will, after lunch.').waitFor();

    // Ada's browser, without a reload: the count under her message, and the reply in the thread.
    const adaQuestion = messages(web.adaPage).getByRole('listitem').filter({ hasText: question });
    const adaLink = adaQuestion.locator('.thread-link');
    await adaLink.waitFor();
    await expect.poll(() => adaLink.innerText()).toMatch(/^1 reply · last /);
    // Not in Ada's main list.
    expect(await messages(web.adaPage).getByText('I will, after lunch.').count()).toBe(0);
    await adaLink.click();
    const adaThread = web.adaPage.getByRole('complementary', { name: 'Thread' });
    await adaThread.getByRole('list', { name: 'Replies' }).getByText('I will, after lunch.').waitFor();

    // Ada answers in the thread and to the conversation: both of Grace's lists show it live.
    await adaThread.getByRole('textbox', { name: 'Reply' }).fill('Thanks! Ping me when done.');
    await adaThread.getByRole('checkbox', { name: 'Also send to conversation' }).check();
    await adaThread.getByRole('button', { name: 'Reply', exact: true }).click();
    await graceThread
      .getByRole('list', { name: 'Replies' })
      .getByText('Thanks! Ping me when done.')
      .waitFor();
    await messages(web.gracePage).getByText('Thanks! Ping me when done.').waitFor();
    await expect.poll(() => graceQuestion.locator('.thread-link').innerText()).toMatch(/^2 replies · last /);

    // Grace quotes Ada's question: the quote sits above the composer, then on the sent message.
    await graceQuestion.getByRole('button', { name: 'Quote' }).click();
    await web.gracePage.locator('.quoting').getByText(question).waitFor();
    await composer(web.gracePage).fill('Quoting for the record.');
    await composer(web.gracePage).press('Enter');
    const quoted = messages(web.adaPage).getByRole('listitem').filter({ hasText: 'Quoting for the record.' });
    await quoted.locator('.quote').getByText(question).waitFor();
    expect(await quoted.locator('.quote-sender').innerText()).toBe('You');
    await web.shots.snap(web.adaPage, 'threads');
  });
});
