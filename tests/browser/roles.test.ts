/**
 * Roles in examples/react-chat (two Chromium browsers): Grace owns a group with Ada in it, makes
 * her an admin from the members list; Ada's browser shows her role change live, and Grace takes it
 * back.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import {
  ada,
  grace,
  openConversation,
  send,
  signUp,
  startConversation,
  twoPeopleInChromium,
} from './chat-page.js';

describe.runIf(browserAvailable)('roles in examples/react-chat', () => {
  const web = twoPeopleInChromium();

  it('the owner makes an admin and takes it back; the other browser follows live', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    await startConversation(web.gracePage, 'Group', ada.name, 'Compilers');
    await send(web.gracePage, 'Welcome');
    await openConversation(web.adaPage, 'Compilers');

    const members = (page: typeof web.adaPage) => page.getByRole('list', { name: 'Members' });
    await web.gracePage.getByText(/^Members/).click();
    await web.adaPage.getByText(/^Members/).click();
    const adaRow = (page: typeof web.adaPage, who: string) =>
      members(page).getByRole('listitem').filter({ hasText: who });
    await adaRow(web.gracePage, ada.name).getByRole('button', { name: 'Make admin' }).click();
    await expect.poll(() => adaRow(web.adaPage, 'You').innerText()).toContain('Admin');
    // Ada is no owner: no role buttons for her.
    expect(await members(web.adaPage).getByRole('button').count()).toBe(0);
    await adaRow(web.gracePage, ada.name).getByRole('button', { name: 'Remove admin' }).click();
    await expect.poll(() => adaRow(web.adaPage, 'You').innerText()).toContain('Member');
  });
});
