/**
 * Profiles in examples/react-chat, in two Chromium browsers: Alice opens her profile from the
 * sidebar's header and changes her name and status; Bob, in a group with her, sees the new name
 * and status live — in his conversation list, the group's member list and the chat header — and
 * Alice's initials follow her name. A wrong current password is refused in the dialog.
 * `UPDATE_SCREENSHOTS=1` writes docs/screenshots/profiles.png (Bob's screen).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/chromium.js';
import { openConversation, send, signUp, startConversation, twoPeopleInChromium } from './chat-page.js';

const alice = { name: 'Alice Liddell', email: 'alice@example.com' };
const bob = { name: 'Bob Dylan', email: 'bob@example.com' };

const members = (page: Page) => page.getByRole('list', { name: 'Members' });
const member = (page: Page, name: string) => members(page).getByRole('listitem').filter({ hasText: name });
const conversations = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });

describe.runIf(browserAvailable)('profiles in examples/react-chat', () => {
  const web = twoPeopleInChromium();

  it('Alice changes her name and status; Bob sees both live', async () => {
    const [alicePage, bobPage] = [web.adaPage, web.gracePage];
    await Promise.all([signUp(alicePage, web.app.url, alice), signUp(bobPage, web.app.url, bob)]);
    await startConversation(bobPage, 'Direct', alice.name);
    await startConversation(alicePage, 'Group', bob.name, 'Tea party');
    await send(alicePage, 'Who is coming on Sunday?');
    await openConversation(bobPage, 'Tea party');
    await bobPage.getByText(/^Members/).click();
    await expect.poll(() => member(bobPage, alice.name).count()).toBe(1);
    expect(await member(bobPage, alice.name).locator('.avatar').getAttribute('data-initials')).toBe('AL');

    await alicePage.getByRole('button', { name: `Edit profile (${alice.name})` }).click();
    const dialog = alicePage.getByRole('dialog', { name: 'Your profile' });
    // A wrong current password: refused, said so, nothing else changes.
    await dialog.getByLabel('Current password').fill('not-my-password-1');
    await dialog.getByLabel('New password').fill('An0ther-horse-battery');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByRole('alert').waitFor();

    await dialog.getByLabel('Display name').fill('Alice Pleasance');
    await dialog.getByLabel('Status').fill('Down the rabbit hole until Friday');
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Her own sidebar header.
    await alicePage.getByRole('button', { name: 'Edit profile (Alice Pleasance)' }).waitFor();
    await alicePage.locator('.me').getByText('Down the rabbit hole until Friday').waitFor();

    // Bob, without a reload: the member list, the direct chat's entry and its header.
    const renamed = member(bobPage, 'Alice Pleasance');
    await expect.poll(() => renamed.count()).toBe(1);
    await renamed.getByText('Down the rabbit hole until Friday').waitFor();
    expect(await renamed.locator('.avatar').getAttribute('data-initials')).toBe('AP');
    expect(await member(bobPage, alice.name).count()).toBe(0);
    const direct = conversations(bobPage).getByRole('button', { name: /^Alice Pleasance/ });
    await direct.getByText('Down the rabbit hole until Friday').waitFor();
    await direct.click();
    await bobPage.getByRole('heading', { name: 'Alice Pleasance' }).waitFor();
    await bobPage.locator('.chat-header').getByText('Down the rabbit hole until Friday').waitFor();

    await openConversation(bobPage, 'Tea party');
    await web.shots.snap(bobPage, 'profiles');
  });
});
