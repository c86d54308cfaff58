import { call, newAccount, startTestServer, type TestServer } from '@chatwire/server/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/chromium.js';

/** `/docs` as a person uses it: Authorize with the OAuth2 password flow, then Try it out. */
describe.runIf(browserAvailable)('Swagger UI at /docs in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page signed in through the Authorize dialog (OAuth2 password flow) as a new account. */
  async function signedInPage(name: string): Promise<{ page: Page; email: string }> {
    const account = newAccount(name);
    expect((await call(`${server.url}/v1/auth/register`, { body: account })).status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${server.url}/docs`);
    await page.click('.swagger-ui .btn.authorize');
    const oauth = page.locator('.auth-container').filter({ hasText: 'oauth2' });
    await oauth.locator('input#oauth_username').fill(account.email);
    await oauth.locator('input#oauth_password').fill(account.password);
    await oauth.locator('button.authorize').click();
    await expect.poll(() => oauth.innerText()).toContain('Authorized');
    await page.click('.btn-done, .close-modal');
    return { page, email: account.email };
  }

  /** Opens operation `id` in Try it out mode. */
  async function tryOut(page: Page, id: string): Promise<Locator> {
    const operation = page.locator(`#operations-${id}`);
    await operation.locator('.opblock-summary').click();
    const button = operation.locator('button.try-out__btn').first();
    if ((await button.innerText()).includes('Try')) await button.click();
    return operation;
  }

  const statusOf = (operation: Locator) =>
    operation.locator('.live-responses-table .response .response-col_status').first().innerText();

  it('signs in with Authorize and calls GET /v1/auth/me', async () => {
    const { page, email } = await signedInPage('docs');
    const operation = await tryOut(page, 'auth-me');
    await operation.locator('button.execute').click();
    await expect.poll(() => statusOf(operation)).toBe('200');
    expect(await operation.locator('.live-responses-table').innerText()).toContain(email);
    await page.close();
  });

  it('uploads a file with Try it out (the multipart route)', async () => {
    const { page } = await signedInPage('docs-upload');
    const operation = await tryOut(page, 'files-uploadFile');
    await operation.locator('input[type=file]').setInputFiles({
      name: 'notes.md',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('# Notes\n\nUploaded from /docs.\n'),
    });
    await operation.locator('button.execute').click();
    await expect.poll(() => statusOf(operation)).toBe('201');
    const answer = await operation.locator('.live-responses-table').innerText();
    expect(answer).toContain('"mediaType": "text/markdown"');
    expect(answer).toContain('"name": "notes.md"');
    await page.close();
  });

  it('shows no schema resolver errors', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector('.swagger-ui .opblock');
    expect(await page.locator('.swagger-ui .errors-wrapper').count()).toBe(0);
    await page.close();
  });
});
