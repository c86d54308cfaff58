#!/usr/bin/env node
/**
 * chatwire in a terminal, on the public API of `@chatwire/sdk`: sign in, pick or start a
 * conversation, stream assistant replies, and talk with people live.
 *
 *   node examples/node-cli/src/main.mjs [--url http://127.0.0.1:8787] [--email you@example.com]
 *                                       [--register] [--name "Your Name"]
 *
 * Environment: CHATWIRE_URL (instead of --url), CHATWIRE_EMAIL, CHATWIRE_PASSWORD (skip the prompts).
 */
import { parseArgs } from 'node:util';
import { ApiError, ChatwireError, createClient } from '@chatwire/sdk';
import { runChat, titleOf } from './chat.mjs';
import { createPeople } from './people.mjs';
import { createTerminal } from './terminal.mjs';

const usage = `Usage: chatwire-chat [--url URL] [--email EMAIL] [--register] [--name NAME]

  --url URL      the chatwire server (default: $CHATWIRE_URL or http://127.0.0.1:8787)
  --email EMAIL  sign in as EMAIL (default: $CHATWIRE_EMAIL, else asked)
  --register     create the account instead of signing in
  --name NAME    display name of a new account
  The password is asked for, or read from $CHATWIRE_PASSWORD.`;

const { values: flags } = parseArgs({
  options: {
    url: { type: 'string' },
    email: { type: 'string' },
    register: { type: 'boolean' },
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(usage);
  process.exit(0);
}

const baseUrl = flags.url ?? process.env.CHATWIRE_URL ?? 'http://127.0.0.1:8787';
const client = createClient({ baseUrl });
const term = createTerminal();
const { print, style } = term;
/** What Ctrl+C must clean up: the reply streaming now, the socket, the key handler of the chat. */
const session = { reply: null, conversationId: null, onKey: undefined, live: null };

let quitting = false;
/**
 * Stops a streaming reply deliberately (the server keeps it as `aborted`), closes, and exits.
 * It never resolves, so that nothing runs on after it (a second call waits for the first).
 */
async function quit(code = 0) {
  if (quitting) return new Promise(() => {});
  quitting = true;
  term.close();
  // The chat prints the reply's end as usual ("stopped").
  await session.reply?.abort();
  session.live?.close();
  process.exit(code);
}
term.onInterrupt(() => void quit());
term.onKey((key) => session.onKey?.(key));

/** Asks `question`; the end of the input (Ctrl+D, or a pipe running dry) quits. */
async function ask(question, options) {
  const answer = await term.ask(question, options);
  if (answer === null) await quit();
  return answer;
}

/** A message in a few words: its text, or what it attaches. */
function summaryOf(message) {
  const files = message.parts.filter((part) => part.type === 'file').length;
  if (files === 0) return message.content;
  const attached = `(${files} ${files === 1 ? 'file' : 'files'})`;
  return message.content ? `${message.content} ${attached}` : attached;
}

function explain(error) {
  if (!ApiError.isInstance(error)) return error.message;
  const details = error.details.map((detail) => `\n    - ${detail.message}`).join('');
  return `${error.message}${details}`;
}

async function signIn() {
  // With an email given, it is a sign-in unless --register says otherwise.
  const given = flags.email ?? process.env.CHATWIRE_EMAIL;
  const register =
    flags.register ?? (given ? false : /^n/i.test(await ask('Do you have an account? [Y/n] ')));
  for (;;) {
    const email = given ?? (await ask('Email: '));
    const password = process.env.CHATWIRE_PASSWORD ?? (await ask('Password: ', { hidden: true }));
    try {
      if (!register) return (await client.auth.login({ email, password })).user;
      const displayName = flags.name ?? (await ask('Display name: '));
      return (await client.auth.register({ email, password, displayName: displayName || undefined })).user;
    } catch (error) {
      if (!ApiError.isInstance(error)) throw error;
      print(style.red(`  ${explain(error)}`));
      // Credentials from flags or the environment would fail again: stop rather than loop.
      if (given || process.env.CHATWIRE_PASSWORD) await quit(1);
    }
  }
}

/** Lists the conversations and answers the one picked or started, or `null` to quit. */
async function pickConversation(people) {
  const { items: conversations } = await client.conversations.list({ limit: 20 });
  await people.load(conversations.flatMap((conversation) => people.others(conversation)));
  print();
  print(style.bold('Your conversations'));
  conversations.forEach((conversation, index) => {
    const unread = conversation.unreadCount > 0 ? style.green(`  ${conversation.unreadCount} unread`) : '';
    const online = people.others(conversation).some((id) => people.isOnline(id)) ? style.green(' ●') : '';
    print(`  ${index + 1}. ${titleOf(conversation, people)}${online}${unread}`);
  });
  print(style.dim('  a. new assistant chat   d. new direct chat   q. quit'));
  for (;;) {
    const choice = (await ask('> ')).toLowerCase();
    if (choice === 'q') return null;
    if (choice === 'a') return client.conversations.create({ type: 'assistant' });
    if (choice === 'd') {
      const direct = await startDirect(people);
      if (direct) return direct;
      continue;
    }
    const picked = conversations[Number(choice) - 1];
    if (picked) return picked;
    print(style.dim('  a number from the list, a, d or q'));
  }
}

/** Finds someone by name and opens the direct conversation with them. */
async function startDirect(people) {
  const query = await ask('Find someone by name: ');
  const { items } = await client.users.search({ q: query, limit: 10 });
  const found = items.filter((user) => user.id !== people.me.id);
  people.remember(found);
  if (found.length === 0) {
    print(style.dim(`  nobody called "${query}"`));
    return null;
  }
  found.forEach((user, index) => {
    print(`  ${index + 1}. ${user.displayName}${user.online ? style.green(' ●') : ''}`);
  });
  const user = found[Number(await ask('Talk to (number): ')) - 1];
  // Answers the existing conversation when the two of you already have one.
  return user ? client.conversations.create({ type: 'direct', participantIds: [user.id] }) : null;
}

async function main() {
  print(style.bold('chatwire') + style.dim(` · ${baseUrl}`));
  const me = await signIn();
  print(`Signed in as ${style.bold(me.displayName)}.`);
  const people = createPeople(client, me);

  // One socket for the whole session: live messages, typing and presence for every conversation.
  const live = client.realtime();
  session.live = live;
  live.on('presence', ({ userId, online }) => people.setOnline(userId, online));
  live.on('message.created', ({ message }) => {
    // Elsewhere than the open chat: a one-line notice.
    if (message.conversationId === session.conversationId || message.senderId === me.id) return;
    if (message.role !== 'user') return;
    void people.load([message.senderId]).then(() => {
      print(
        style.dim(
          `  ● ${people.name(message.senderId)} wrote in another conversation: ${summaryOf(message)}`,
        ),
      );
    });
  });
  live.on('user.updated', ({ user }) => {
    const before = people.get(user.id);
    people.update(user);
    if (!before || user.id === me.id) return;
    if (before.displayName !== user.displayName)
      print(style.dim(`  ${before.displayName} is now called ${user.displayName}`));
    if (before.statusText !== user.statusText)
      print(
        style.dim(
          user.statusText
            ? `  ${user.displayName}: “${user.statusText}”`
            : `  ${user.displayName} cleared their status`,
        ),
      );
  });
  live.on('error', (error) => print(style.red(`  real-time: ${error.message}`)));

  for (;;) {
    const conversation = await pickConversation(people);
    if (!conversation) break;
    await people.load(people.others(conversation));
    const next = await runChat({ client, live, term, me, people, session }, conversation);
    if (next === 'quit') break;
  }
  await quit();
}

main().catch((error) => {
  const hint =
    ChatwireError.isInstance(error) && !ApiError.isInstance(error)
      ? ` (is the server at ${baseUrl} running?)`
      : '';
  print(style.red(`${explain(error)}${hint}`));
  void quit(1);
});
