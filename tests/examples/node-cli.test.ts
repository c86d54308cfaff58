/**
 * The terminal chat of examples/node-cli, driven as a script would drive it: piped stdin and
 * stdout, against an in-process server. It runs the CLI as users do, on the built SDK
 * (`packages/sdk/dist`, built by `pnpm test` before the tests).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@chatwire/sdk';
import { demoTools, echoReply, resolveModels } from '@chatwire/server';
import { newAccount, startTestServer, type TestServer } from '@chatwire/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../support/clients.js';

const main = fileURLToPath(new URL('../../examples/node-cli/src/main.mjs', import.meta.url));

interface Cli {
  child: ChildProcessWithoutNullStreams;
  /** Everything printed so far. */
  output(): string;
  /** How many separate writes arrived on stdout (a streamed reply comes in several). */
  writes(): number;
  type(line: string): void;
  /** Resolves once the output contains `text` (after the `from`th character). */
  waitFor(text: string, from?: number): Promise<void>;
  exited: Promise<number | null>;
}

const running: Cli[] = [];

function startCli(server: TestServer, args: string[], password: string): Cli {
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, CHATWIRE_URL: server.url, CHATWIRE_PASSWORD: password, NO_COLOR: '1' },
  });
  let output = '';
  let writes = 0;
  const watchers = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    writes += 1;
    for (const watcher of watchers) watcher();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const cli: Cli = {
    child,
    output: () => output,
    writes: () => writes,
    type: (line) => child.stdin.write(`${line}\n`),
    waitFor: (text, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!output.includes(text, from)) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`"${text}" never appeared; the CLI printed:\n${output}`));
        }, 10_000);
        watchers.add(check);
        void exited.then(() => setTimeout(check, 0));
        check();
      }),
    exited,
  };
  running.push(cli);
  return cli;
}

describe('examples/node-cli', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Paced like a real model, so the reply visibly streams and can be stopped halfway.
    server = await startTestServer({
      models: resolveModels({}, { echo: { chunkDelayMs: 15, firstChunkDelayMs: 0 } }),
      tools: [...demoTools],
    });
  });
  afterEach(() => {
    for (const cli of running.splice(0)) cli.child.kill('SIGKILL');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('registers, starts an assistant chat and streams the reply token by token', async () => {
    const account = newAccount('cli');
    const cli = startCli(server, ['--register', '--email', account.email, '--name', 'Ada'], account.password);
    await cli.waitFor('Signed in as Ada.');
    cli.type('a');
    await cli.waitFor('── Assistant ──');
    const before = cli.writes();
    cli.type('Hello from the terminal');
    const reply = echoReply([{ role: 'user', content: 'Hello from the terminal' }]);
    await cli.waitFor(`assistant › ${reply}\n`);
    expect(cli.writes() - before).toBeGreaterThan(3);

    cli.child.stdin.end(); // Ctrl+D: quits
    expect(await cli.exited).toBe(0);
  });

  it('shows what another person types and sends, live', async () => {
    const grace = await signUp(server.url, 'grace');
    const { account: ada, user: adaUser } = await signUp(server.url, 'ada');
    const direct = await grace.client.conversations.create({ type: 'direct', participantIds: [adaUser.id] });

    const cli = startCli(server, ['--email', ada.email], ada.password);
    await cli.waitFor(`1. ${grace.user.displayName}`);
    cli.type('1');
    await cli.waitFor(`── ${grace.user.displayName} ──`);
    // Presence reaches Grace once Ada's CLI has its socket open: then live events reach the CLI too.
    await expect.poll(async () => (await grace.client.users.get([adaUser.id]))[0]?.online).toBe(true);

    const live = grace.client.realtime();
    try {
      await new Promise<void>((resolve) => live.on('ready', () => resolve()));
      live.typing(direct.id, 'start');
      await cli.waitFor(`${grace.user.displayName} is typing…`);
      await live.send({ conversationId: direct.id, content: 'Are you there, Ada?' });
      await cli.waitFor(`${grace.user.displayName} › Are you there, Ada?`);

      // And the other way round: a line typed in the CLI reaches Grace.
      const received = new Promise<string>((resolve) =>
        live.on('message.created', ({ message }) => {
          if (message.senderId === adaUser.id) resolve(message.content);
        }),
      );
      cli.type('Right here.');
      expect(await received).toBe('Right here.');
    } finally {
      live.close();
    }
    cli.type('/quit');
    expect(await cli.exited).toBe(0);
  });

  it("shows an assistant's reply in a group, named by its alias", async () => {
    const grace = await signUp(server.url, 'grace');
    const { account: ada, user: adaUser } = await signUp(server.url, 'ada');
    const group = await grace.client.conversations.create({
      type: 'group',
      title: 'Planning',
      participantIds: [adaUser.id],
      assistant: { model: 'echo', respondTo: 'mentions' },
    });
    const cli = startCli(server, ['--email', ada.email], ada.password);
    await cli.waitFor('1. Planning');
    cli.type('1');
    await cli.waitFor('── Planning ──');
    await expect.poll(async () => (await grace.client.users.get([adaUser.id]))[0]?.online).toBe(true);
    await grace.client.messages.send(group.id, { content: '@assistant are we on?' });
    await cli.waitFor(`${grace.user.displayName} › @assistant are we on?`);
    await cli.waitFor(`echo › You said: “${grace.user.displayName}: @assistant are we on?”`);
    cli.type('/quit');
    expect(await cli.exited).toBe(0);
  });

  it('Ctrl+C stops a streaming reply (kept as aborted) and quits cleanly', async () => {
    const account = newAccount('stop');
    const cli = startCli(
      server,
      ['--register', '--email', account.email, '--name', 'Stopper'],
      account.password,
    );
    await cli.waitFor('Signed in as');
    cli.type('a');
    await cli.waitFor('── Assistant ──');
    const from = cli.output().length;
    cli.type('Please write me something long enough to interrupt halfway through, thanks');
    await cli.waitFor('assistant › You said', from);

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('(stopped: the partial reply is kept)');

    const client = createClient({ baseUrl: server.url });
    await client.auth.login(account);
    const [chat] = (await client.conversations.list()).items;
    const { items } = await client.messages.list(chat?.id ?? '');
    const reply = items.at(-1);
    expect(reply?.status).toBe('aborted');
    expect(reply?.content.length).toBeGreaterThan(0);
  });

  it('prints tool calls as they run, and asks y/n for an approval: yes runs it, no denies it', async () => {
    const account = newAccount('tools');
    const cli = startCli(
      server,
      ['--register', '--email', account.email, '--name', 'Tooler'],
      account.password,
    );
    await cli.waitFor('Signed in as');
    cli.type('a');
    await cli.waitFor('── Assistant ──');

    let from = cli.output().length;
    cli.type('use calculator {"expression":"2+3*4"}');
    await cli.waitFor('  ⚙ calculator {"expression":"2+3*4"}\n', from);
    await cli.waitFor('  ↳ calculator: {"expression":"2+3*4","result":14}\n', from);
    await cli.waitFor('assistant › The calculator tool answered:', from);

    from = cli.output().length;
    cli.type('set_reminder {"text":"tea","at":"2030-01-31T17:00:00Z"}');
    await cli.waitFor('  run set_reminder {"text":"tea","at":"2030-01-31T17:00:00Z"}? [y/N] ', from);
    cli.type('y');
    await cli.waitFor('  ↳ set_reminder: ', from);
    await cli.waitFor('assistant › The set_reminder tool answered:', from);

    from = cli.output().length;
    cli.type('set_reminder {"text":"cake","at":"2030-02-01T09:00:00Z"}');
    await cli.waitFor('? [y/N] ', from);
    cli.type('n');
    await cli.waitFor('  ↳ set_reminder denied: The user said no in the terminal\n', from);
    await cli.waitFor('assistant › The set_reminder tool call was denied', from);

    cli.type('/quit');
    expect(await cli.exited).toBe(0);
  });

  it('asks again about an approval left waiting when the chat was closed, and the reply goes on', async () => {
    const account = newAccount('waiting');
    const client = createClient({ baseUrl: server.url });
    await client.auth.register({ ...account, displayName: 'Waiter' });
    const chat = await client.conversations.create({ type: 'assistant' });
    const { reply } = await client.messages.send(chat.id, {
      content: 'set_reminder {"text":"walk","at":"2030-03-01T08:00:00Z"}',
    });
    expect(reply?.status).toBe('awaiting_input');

    const cli = startCli(server, ['--email', account.email], account.password);
    await cli.waitFor('1. ');
    cli.type('1');
    await cli.waitFor('  ⚙ set_reminder {"text":"walk","at":"2030-03-01T08:00:00Z"} needs your approval');
    await cli.waitFor('? [y/N] ');
    cli.type('yes');
    await cli.waitFor('assistant › The set_reminder tool answered:');
    cli.type('/quit');
    expect(await cli.exited).toBe(0);
    const [stored] = (await client.messages.list(chat.id, { limit: 1 })).items;
    expect(stored?.status).toBe('complete');
  });

  it('/attach uploads a file from disk for the next message; the echo reply describes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chatwire-cli-'));
    try {
      const path = join(dir, 'plan.md');
      const plan = '# Plan\n\n- tea\n- cake\n';
      await writeFile(path, plan);
      const size = `${Buffer.byteLength(plan)} B`;
      const account = newAccount('attach');
      const cli = startCli(
        server,
        ['--register', '--email', account.email, '--name', 'Ada'],
        account.password,
      );
      await cli.waitFor('Signed in as Ada.');
      cli.type('a');
      await cli.waitFor('── Assistant ──');
      cli.type(`/attach ${join(dir, 'missing.txt')}`);
      await cli.waitFor('  not attached: ENOENT');
      cli.type(`/attach ${path}`);
      await cli.waitFor(`  attached to your next message: plan.md (text/markdown, ${size})\n`);
      cli.type('What is in it?');
      await cli.waitFor(`assistant › You sent 1 file: plan.md (text/markdown, ${size}, 4 lines: “# Plan…”).`);

      // The history shows the file on the message it came with.
      cli.type('/back');
      await cli.waitFor('1. ');
      const from = cli.output().length;
      cli.type('1');
      await cli.waitFor(`  📎 plan.md (text/markdown, ${size})\n`, from);
      cli.type('/quit');
      expect(await cli.exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('/search prints the matching messages of my conversations with the words marked', async () => {
    const account = newAccount('search');
    const cli = startCli(server, ['--register', '--email', account.email, '--name', 'Ada'], account.password);
    await cli.waitFor('Signed in as Ada.');
    cli.type('a');
    await cli.waitFor('── Assistant ──');
    cli.type('Invoice for März is late');
    await cli.waitFor('assistant › ');
    const from = cli.output().length;
    cli.type('/search invoice marz');
    await cli.waitFor('  here · *Invoice* for *März* is late\n', from);
    cli.type('/search ?!');
    await cli.waitFor('  /search needs a word', from);
    cli.type('/search zebra');
    await cli.waitFor('  no messages match “zebra”', from);
    cli.type('/quit');
    expect(await cli.exited).toBe(0);
  });

  it('/react and /unreact by message number, reactions under messages and live; /status and /name reach the other person', async () => {
    const grace = await signUp(server.url, 'grace');
    const { account: ada, user: adaUser } = await signUp(server.url, 'ada');
    const direct = await grace.client.conversations.create({ type: 'direct', participantIds: [adaUser.id] });
    const { message: first } = await grace.client.messages.send(direct.id, { content: 'Tea at five?' });
    await grace.client.messages.send(direct.id, { content: 'Or six?' });
    await grace.client.messages.react(direct.id, first.id, '🎉');

    const cli = startCli(server, ['--email', ada.email], ada.password);
    await cli.waitFor(`1. ${grace.user.displayName}`);
    cli.type('1');
    // The history, numbered, with Grace's reaction under her first message.
    await cli.waitFor(`#1 ${grace.user.displayName} › Tea at five?\n   🎉 1\n`);
    await cli.waitFor(`#2 ${grace.user.displayName} › Or six?`);
    await expect.poll(async () => (await grace.client.users.get([adaUser.id]))[0]?.online).toBe(true);

    let from = cli.output().length;
    cli.type('/react ❤ 1'); // without U+FE0F: stored fully qualified
    await cli.waitFor('  #1 🎉 1 · ❤️ 1 (you)\n', from);
    cli.type('/react 👍'); // no number: the newest message
    await cli.waitFor('  #2 👍 1 (you)\n', from);
    const stored = async () => (await grace.client.messages.list(direct.id)).items.map((m) => m.reactions);
    expect(await stored()).toEqual([
      [
        { emoji: '🎉', count: 1, userIds: [grace.user.id] },
        { emoji: '❤️', count: 1, userIds: [adaUser.id] },
      ],
      [{ emoji: '👍', count: 1, userIds: [adaUser.id] }],
    ]);
    from = cli.output().length;
    cli.type('/react 👍👍 2');
    await cli.waitFor('  react failed: ', from);
    cli.type('/unreact 1');
    await cli.waitFor('  #1 🎉 1\n', from);
    cli.type('/react 👍 9');
    await cli.waitFor('  no message #9 here', from);

    // Grace reacts: the CLI says so, live, with the message's reactions after it.
    from = cli.output().length;
    await grace.client.messages.react(direct.id, first.id, '👀');
    await cli.waitFor(`  ${grace.user.displayName} reacted 👀 to #1\n  #1 🎉 1 · 👀 1\n`, from);

    // Ada's status and name reach Grace (her profile, as Grace's client fetches it).
    cli.type('/status Out for tea');
    await cli.waitFor('  your status: Out for tea', from);
    cli.type('/name Ada King');
    await cli.waitFor('  you are now Ada King', from);
    const [seen] = await grace.client.users.get([adaUser.id]);
    expect(seen).toMatchObject({ displayName: 'Ada King', statusText: 'Out for tea' });

    // Grace renames herself: the CLI hears of it.
    from = cli.output().length;
    await grace.client.users.updateMe({ displayName: 'Grace H.', statusText: 'Boiling water' });
    await cli.waitFor(`  ${grace.user.displayName} is now called Grace H.`, from);
    await cli.waitFor('  Grace H.: “Boiling water”', from);
    cli.type('/quit');
    expect(await cli.exited).toBe(0);
  });
});
