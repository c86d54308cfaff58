import { call, newAccount, startTestServer, type TestServer } from '@chatwire/server/testing';
import type { Browser } from 'playwright-core';
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

  it('signs in with Authorize and calls GET /v1/auth/me', async () => {
    const account = newAccount('docs');
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

    const operation = page.locator('#operations-auth-me');
    await operation.locator('.opblock-summary').click();
    const tryOut = operation.locator('button.try-out__btn');
    if ((await tryOut.innerText()).includes('Try')) await tryOut.click();
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await expect.poll(() => status.innerText()).toBe('200');
    expect(await operation.locator('.live-responses-table').innerText()).toContain(account.email);
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
