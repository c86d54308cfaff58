/**
 * What the browser journeys do with examples/react-chat, as a person would: sign up, start a
 * conversation from the dialog, send, find the messages — and where the screenshots go.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppOptionsInput } from '@chatwire/server';
import { startTestServer, type TestServer } from '@chatwire/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, onTestFailed } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type ServedApp, serveReactChat } from './react-chat-app.js';

export const password = 'Correct-horse-9';

/** The two people of the journeys. */
export const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };
export const grace = { name: 'Grace Hopper', email: 'grace@example.com' };

/**
 * Where screenshots go: docs/screenshots with `UPDATE_SCREENSHOTS=1` (shown in the README),
 * else a temp dir, removed by `close()`.
 */
export async function screenshotDir(): Promise<{
  snap(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}> {
  const update = process.env.UPDATE_SCREENSHOTS === '1';
  const dir = update
    ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
    : await mkdtemp(join(tmpdir(), 'chatwire-screenshots-'));
  await mkdir(dir, { recursive: true });
  return {
    snap: async (page, name) => {
      await page.screenshot({ path: join(dir, `${name}.png`), animations: 'disabled' });
    },
    close: async () => {
      if (!update) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Both screens at a failure, in a temp dir (the path is logged). */
export async function snapFailure(pages: Record<string, Page | undefined>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'chatwire-failure-'));
  await Promise.all(
    Object.entries(pages).map(([name, page]) =>
      page?.screenshot({ path: join(dir, `${name}.png`) }).catch(() => undefined),
    ),
  );
  console.error(`Screens at the failure: ${dir}`);
}

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
export const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

/** The next assistant message to appear: its place is after those shown now. */
export async function nextAssistantMessage(page: Page) {
  const replies = page.locator('.message.assistant');
  return replies.nth(await replies.count());
}

/** Sends `content` in the open assistant chat and answers the reply's list item (waited for to exist). */
export async function ask(page: Page, content: string) {
  const answer = await nextAssistantMessage(page);
  await composer(page).fill(content);
  await composer(page).press('Enter');
  await answer.waitFor();
  return answer;
}

/** `message` (a locator) once its `data-status` is `status`. */
export const withStatus = (page: Page, message: ReturnType<Page['locator']>, status: string) =>
  message.and(page.locator(`[data-status="${status}"]`));

/** What a two-people suite runs against: set once its `beforeAll` has run. */
export interface TwoPeople {
  server: TestServer;
  app: ServedApp;
  browser: Browser;
  adaPage: Page;
  gracePage: Page;
  shots: Awaited<ReturnType<typeof screenshotDir>>;
}

/**
 * Before the suite's tests: a server started with `options`, examples/react-chat served against
 * it, Chromium with a window (1100×680, 8 s steps) each for Ada and Grace, and the screenshot dir;
 * all closed after them. A failing test leaves both screens behind, to see what the people saw.
 */
export function twoPeopleInChromium(options: AppOptionsInput = {}): TwoPeople {
  const web = {} as TwoPeople;
  beforeAll(async () => {
    web.server = await startTestServer(options);
    [web.app, web.browser] = await Promise.all([serveReactChat(web.server.url), launchChromium()]);
    const contexts = await Promise.all(
      [1, 2].map(() => web.browser.newContext({ viewport: { width: 1100, height: 680 } })),
    );
    for (const context of contexts) context.setDefaultTimeout(8_000);
    [web.adaPage, web.gracePage] = (await Promise.all(contexts.map((context) => context.newPage()))) as [
      Page,
      Page,
    ];
    web.shots = await screenshotDir();
  }, 60_000);
  afterAll(async () => {
    await web.browser?.close();
    await web.app?.close();
    await web.server?.close();
    await web.shots?.close();
  });
  beforeEach(() => {
    onTestFailed(() => snapFailure({ ada: web.adaPage, grace: web.gracePage }));
  });
  return web;
}

/** Opens the conversation whose entry in the list starts with `name`. */
export async function openConversation(page: Page, name: string) {
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .click();
}

export async function signUp(page: Page, url: string, person: { name: string; email: string }) {
  await page.goto(url);
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Display name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'New conversation' }).waitFor();
}

/** Starts a conversation from the dialog; with people, the one found by `person`. */
export async function startConversation(
  page: Page,
  kind: 'Assistant' | 'Direct' | 'Group',
  person?: string,
  title?: string,
) {
  await page.getByRole('button', { name: 'New conversation' }).click();
  const dialog = page.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByText(kind, { exact: true }).click();
  if (title) await dialog.getByLabel('Group name').fill(title);
  if (person) {
    await dialog.getByLabel('Find people').fill(person.split(' ')[0] ?? person);
    await dialog.getByRole('button', { name: person }).click();
  }
  await dialog.getByRole('button', { name: 'Start' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Sends a message in a people's chat and waits for it to be stored. */
export async function send(page: Page, content: string) {
  await composer(page).fill(content);
  await composer(page).press('Enter');
  await page.locator('.message.mine[data-delivery="sent"]').getByText(content).waitFor();
}

/**
 * What Markdown `text` reads as once rendered (`innerText`, whitespace collapsed): its emphasis,
 * code, quote and list markers gone. Enough for the echo model's replies, which use only those.
 */
export function renderedText(text: string): string {
  return squash(
    text
      .replace(/\*\*|\*|`/g, '')
      .replace(/^> /gm, '')
      .replace(/^(?:- |\d+\. )/gm, ''),
  );
}

/** Whitespace collapsed, as `renderedText` compares. */
export const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
