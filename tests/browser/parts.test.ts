/**
 * examples/react-chat in Chromium, the parts of an assistant reply: a server tool's card (output,
 * error), a client tool run by the browser, an approval approved and one denied (after a reload),
 * reasoning that folds away, Markdown with a highlighted code block and its copy button, and the
 * model's raw HTML kept as text.
 *
 * The echo model calls the demo tools named in a prompt; a fake OpenAI-compatible upstream (its
 * wire format, DeepSeek's `reasoning_content` for the reasoning) plays a model that writes
 * Markdown. Screenshots as in chat.test.ts (`UPDATE_SCREENSHOTS=1`).
 */
import { createClient, type MessagePart, type ToolPart } from '@chatwire/sdk';
import { demoTools, resolveModels } from '@chatwire/server';
import {
  type FakeServerHandle,
  startFakeOpenAI,
  startTestServer,
  type TestServer,
} from '@chatwire/server/testing';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { browserAvailable, launchChromium } from '../support/chromium.js';
import {
  ada,
  ask,
  password,
  screenshotDir,
  signUp,
  snapFailure,
  startConversation,
  withStatus,
} from './chat-page.js';
import { type ServedApp, serveReactChat } from './react-chat-app.js';

/** Not this machine's zone, so the answer can only come from the browser. */
const timeZone = 'Pacific/Auckland';

const reasoning =
  'The user wants to read a CSV file in Node. A short recipe with code fits, plus a table of the sample data.';
const code = [
  "import { readFile } from 'node:fs/promises';",
  '',
  "const text = await readFile('people.csv', 'utf8');",
  "const [header, ...rows] = text.trim().split('\\n').map((line) => line.split(','));",
  'const people = rows.map((row) => Object.fromEntries(header.map((key, i) => [key, row[i]])));',
].join('\n');
const markdown = `Here is **how to read a CSV file** in Node, in three steps:

1. Read the file with \`readFile\`.
2. Split it into lines, then into cells.
3. Turn each row into an object.

\`\`\`ts
${code}
\`\`\`

| name  | born |
| ----- | ---- |
| Ada   | 1815 |
| Grace | 1906 |

- [x] plain cells
- [ ] quoted commas: use a real CSV parser`;
const html = 'Try <b>bold</b> or <img src="x" onerror="window.pwned = true"> here.';

/** OpenAI-compatible stream chunks (DeepSeek's shape for reasoning): `reasoning`, then `text`, a few words each. */
function chunksOf(text: string, thinking = ''): string[] {
  const chunk = (delta: object, finish: string | null = null) =>
    JSON.stringify({
      id: 'chatcmpl-parts',
      object: 'chat.completion.chunk',
      created: 1752135100,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  const pieces = (value: string) => value.match(/\s*\S+(?:\s+\S+)?\s*/g) ?? [];
  return [
    chunk({ role: 'assistant', content: null, reasoning_content: '' }),
    ...pieces(thinking).map((piece) => chunk({ content: null, reasoning_content: piece })),
    ...pieces(text).map((piece) => chunk({ content: piece, reasoning_content: null })),
    chunk({}, 'stop'),
  ];
}

describe.runIf(browserAvailable)('examples/react-chat: the parts of a reply, in Chromium', () => {
  let writer: FakeServerHandle;
  let server: TestServer;
  let app: ServedApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let shots: Awaited<ReturnType<typeof screenshotDir>>;

  beforeAll(async () => {
    // 30 ms a chunk: the reasoning streams for about half a second, time enough to be seen open.
    writer = await startFakeOpenAI((request) => {
      const said = JSON.stringify((request.body as { messages?: unknown }).messages ?? '');
      return {
        chunks: said.includes('HTML') ? chunksOf(html) : chunksOf(markdown, reasoning),
        chunkDelayMs: 30,
        writes: 'whole',
      };
    });
    server = await startTestServer({
      models: resolveModels(
        {
          CHATWIRE_MODELS: JSON.stringify({
            echo: { provider: 'echo', model: 'echo' },
            writer: { provider: 'openai', model: 'gpt-4o-mini' },
            default: 'echo',
          }),
          OPENAI_BASE_URL: `${writer.url}/v1`,
          OPENAI_API_KEY: 'sk-test',
        },
        { echo: { chunkDelayMs: 20, firstChunkDelayMs: 100 } },
      ),
      tools: demoTools,
    });
    [app, browser] = await Promise.all([serveReactChat(server.url), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1100, height: 680 }, timezoneId: timeZone });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(app.url).origin,
    });
    context.setDefaultTimeout(8_000);
    page = await context.newPage();
    shots = await screenshotDir();
    await signUp(page, app.url, ada);
    await startConversation(page, 'Assistant');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
    await writer?.close();
    await shots?.close();
  });

  beforeEach(() => {
    onTestFailed(() => snapFailure({ ada: page }));
  });

  const card = (answer: Locator, tool: string) => answer.locator(`.tool-call[data-tool="${tool}"]`);
  const inState = (locator: Locator, state: string) => locator.and(page.locator(`[data-state="${state}"]`));
  /** The open conversation's id, from the URL (`#/c/<id>`). */
  const openConversation = () => new URL(page.url()).hash.replace('#/c/', '');
  /** The newest reply of the open chat as stored, read over the API as Ada. */
  async function storedReply() {
    const client = createClient({ baseUrl: server.url });
    await client.auth.login({ email: ada.email, password });
    const { items } = await client.messages.list(openConversation());
    return items.findLast((message) => message.role === 'assistant');
  }
  const toolParts = (parts: readonly MessagePart[] = []) =>
    parts.filter((part): part is ToolPart => part.type === 'tool');

  it('a server tool: a card per call with its input and its output or error, then the answer', async () => {
    const answer = await ask(
      page,
      'use calculator {"expression":"2+3*4"} and calculator {"expression":"1/0"}, please',
    );
    await withStatus(page, answer, 'complete').waitFor();
    const [done, failed] = [card(answer, 'calculator').first(), card(answer, 'calculator').nth(1)];
    await inState(done, 'output-available').waitFor();
    expect(await done.locator('header').innerText()).toMatch(/calculator\s+Done\s+on the server/);
    expect(await done.getByRole('group').first().innerText()).toContain('"expression": "2+3*4"');
    const output = done.locator('details', { hasText: 'Output' });
    expect(await output.innerText()).toContain('"result": 14');
    // The output folds away on a click.
    await output.locator('summary').click();
    await expect.poll(() => output.evaluate((details: HTMLDetailsElement) => details.open)).toBe(false);

    await inState(failed, 'output-error').waitFor();
    expect(await failed.locator('.tool-state').innerText()).toBe('Failed');
    expect(await failed.locator('.tool-error').innerText()).toContain('Division by zero');

    // Then the model's answer, its inline code rendered as code.
    await answer.locator('.markdown code', { hasText: '{"expression":"2+3*4","result":14}' }).waitFor();
    expect(await answer.locator('.markdown').innerText()).toContain(
      'The calculator tool failed: Division by zero',
    );
    expect(await answer.locator('hr.step').count()).toBe(1);
  });

  it('a client tool: the browser runs get_time_zone, sends its output back, and the model answers with it', async () => {
    const answer = await ask(page, 'Which time zone am I in? get_time_zone {}');
    await withStatus(page, answer, 'complete').waitFor();
    const zone = inState(card(answer, 'get_time_zone'), 'output-available');
    await zone.waitFor();
    expect(await zone.locator('header').innerText()).toMatch(/get_time_zone\s+Done\s+in your browser/);
    expect(await zone.locator('details', { hasText: 'Output' }).innerText()).toContain(`"${timeZone}"`);
    await answer.locator('.markdown', { hasText: `The get_time_zone tool answered: ${timeZone}.` }).waitFor();

    // The output went back to the server: it is stored with the reply.
    const reply = await storedReply();
    expect(toolParts(reply?.parts)).toMatchObject([
      { toolName: 'get_time_zone', state: 'output-available', output: timeZone },
    ]);
    await shots.snap(page, 'tool-calls');
  });

  it('a browser tool call left waiting by another client: never run by itself; "Run it here" runs it once', async () => {
    // Another client of Ada's (its tab gone) sent this: it declared get_time_zone without running it.
    const other = createClient({ baseUrl: server.url });
    await other.auth.login({ email: ada.email, password });
    const { reply } = await other.messages.send(openConversation(), {
      content: 'And again? get_time_zone {}',
      tools: {
        get_time_zone: {
          description: "The user's time zone",
          inputSchema: { '~standard': { validate: (value: unknown) => ({ value }) } },
          inputJsonSchema: { type: 'object', properties: {} },
        },
      },
    });
    expect(reply?.status).toBe('awaiting_input');
    await page.reload();
    const answer = page.locator('.message.assistant').last();
    await withStatus(page, answer, 'awaiting_input').waitFor();
    const run = answer.getByRole('button', { name: 'Run it here' });
    await run.waitFor();
    expect(await answer.innerText()).toContain('Waiting for get_time_zone, which runs in your browser.');
    expect((await storedReply())?.status).toBe('awaiting_input');

    await run.click();
    await withStatus(page, answer, 'complete').waitFor();
    await answer.locator('.markdown', { hasText: `The get_time_zone tool answered: ${timeZone}.` }).waitFor();
    expect(toolParts((await storedReply())?.parts)).toMatchObject([
      { toolName: 'get_time_zone', state: 'output-available', output: timeZone },
    ]);
  });

  it('an approval: the reply waits for it, Approve runs the tool and shows its output', async () => {
    const answer = await ask(page, 'set_reminder {"text":"tea","at":"2030-01-31T17:00:00Z"}');
    await withStatus(page, answer, 'awaiting_input').waitFor();
    const reminder = inState(card(answer, 'set_reminder'), 'approval-requested');
    await reminder.getByText('Needs your approval').waitFor();
    await answer.getByText('Waiting for your approval: set_reminder.').waitFor();
    expect(await reminder.innerText()).toContain('"text": "tea"');
    await shots.snap(page, 'approval');

    await reminder.getByRole('button', { name: 'Approve' }).click();
    await withStatus(page, answer, 'complete').waitFor();
    const done = inState(card(answer, 'set_reminder'), 'output-available');
    expect(await done.locator('.tool-state').innerText()).toBe('Approved · done');
    expect(await done.locator('details', { hasText: 'Output' }).innerText()).toContain('"confirmed": true');
    await answer.locator('.markdown', { hasText: 'The set_reminder tool answered:' }).waitFor();
  });

  it('an approval denied, after a reload (the wait is stored): the call ends denied and the model is told', async () => {
    const answer = await ask(page, 'set_reminder {"text":"cake","at":"2030-02-01T09:00:00Z"}');
    await withStatus(page, answer, 'awaiting_input').waitFor();
    await page.reload();
    const asking = inState(card(answer, 'set_reminder'), 'approval-requested');
    await asking.getByRole('button', { name: 'Deny' }).click();

    await withStatus(page, answer, 'complete').waitFor();
    const denied = inState(card(answer, 'set_reminder'), 'output-denied');
    expect(await denied.locator('.tool-state').innerText()).toBe('Denied');
    expect(await denied.getByRole('button').count()).toBe(0);
    await answer.locator('.markdown', { hasText: 'The set_reminder tool call was denied' }).waitFor();
    expect(toolParts((await storedReply())?.parts)).toMatchObject([
      { toolName: 'set_reminder', state: 'output-denied', approval: { approved: false } },
    ]);
  });

  it('reasoning is open while it streams and folds away after; Markdown renders with a code block to copy', async () => {
    // A chat on the model that writes Markdown, made over the API; the list shows it live.
    const client = createClient({ baseUrl: server.url });
    await client.auth.login({ email: ada.email, password });
    await client.conversations.create({ type: 'assistant', model: 'writer', title: 'CSV in Node' });
    await page.getByRole('button', { name: /CSV in Node/ }).click();

    const answer = await ask(page, 'How do I read a CSV file in Node?');
    const thoughts = answer.locator('details.reasoning');
    await thoughts.and(page.locator('[open]')).getByText('Thinking…').waitFor();
    await withStatus(page, answer, 'complete').waitFor();
    await thoughts.locator('summary', { hasText: 'Reasoning' }).waitFor();
    expect(await thoughts.evaluate((details: HTMLDetailsElement) => details.open)).toBe(false);
    await thoughts.locator('summary').click();
    await thoughts.getByText(reasoning).waitFor();

    // Markdown: bold, a numbered list, a table, a task list, a highlighted code block — no `**` left.
    const text = answer.locator('.markdown');
    await text.locator('strong', { hasText: 'how to read a CSV file' }).waitFor();
    expect(await text.locator('ol > li').count()).toBe(3);
    expect(await text.locator('table tr').count()).toBe(3);
    expect(await text.locator('input[type="checkbox"]:checked').count()).toBe(1);
    expect(await text.innerText()).not.toContain('**');
    const block = text.locator('.code-block');
    expect(await block.locator('.code-bar').innerText()).toMatch(/^ts\s+Copy$/);
    expect(await block.locator('.hljs-keyword').count()).toBeGreaterThan(0);
    expect((await block.locator('pre').innerText()).trimEnd()).toBe(code);

    await block.getByRole('button', { name: 'Copy' }).click();
    await block.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    // The question on top, the reasoning and the answer under it.
    await page.locator('.messages').evaluate((list) => list.scrollTo({ top: 0 }));
    await shots.snap(page, 'reasoning-markdown');
  });

  it('raw HTML the model writes stays text', async () => {
    const answer = await ask(page, 'Show me some HTML');
    await withStatus(page, answer, 'complete').waitFor();
    await answer.getByText(html).waitFor();
    expect(await answer.locator('.markdown img, .markdown b').count()).toBe(0);
    expect(await page.evaluate(() => (window as { pwned?: boolean }).pwned)).toBeUndefined();
  });
});
