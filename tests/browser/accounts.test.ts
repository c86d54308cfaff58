/**
 * Deleting an account in examples/react-chat (Chromium): a wrong password is refused in place;
 * the right one signs Ada out to the sign-in screen, and her address can register again.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import { ada, grace, password, signUp, twoPeopleInChromium } from './chat-page.js';

describe.runIf(browserAvailable)('deleting an account in examples/react-chat', () => {
  const web = twoPeopleInChromium();

  it('refuses a wrong password, then deletes and signs out; the address registers again', async () => {
    await Promise.all([signUp(web.adaPage, web.app.url, ada), signUp(web.gracePage, web.app.url, grace)]);
    const page = web.adaPage;
    await page.getByText('Settings').click();
    const form = page.getByRole('form', { name: 'Delete account' });
    await form.getByLabel('Current password').fill('Wrong-horse-1');
    await form.getByRole('button', { name: 'Delete account' }).click();
    await expect.poll(() => form.getByRole('alert').count()).toBe(1);
    await form.getByLabel('Current password').fill(password);
    await form.getByRole('button', { name: 'Delete account' }).click();
    // Signed out: the sign-in screen again.
    await expect.poll(() => page.getByLabel('Password').count()).toBe(1);
    await signUp(page, web.app.url, ada);
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
  });
});
