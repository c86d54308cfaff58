/**
 * One conversation in the terminal: its recent history, then a prompt. Assistant replies stream
 * token by token over `client.messages.stream` (`reply.mjs`: tool calls, approvals); other people's messages, typing and presence
 * arrive over the shared real-time connection.
 */

import { createAttachments, describeFile } from './attach.mjs';
import { createChatCommands, createNumbering, reactionsLine } from './reactions.mjs';
import { endNote, followReply, resumeWaiting, toolLine } from './reply.mjs';
import { printSearch } from './search.mjs';

/** How long typing may pause before we say we stopped, and how often a long `start` is renewed. */
const TYPING_IDLE_MS = 3000;
const TYPING_RENEW_MS = 4000;

/** The name shown for a conversation. */
export function titleOf(conversation, people) {
  if (conversation.title) return conversation.title;
  if (conversation.type === 'assistant')
    return conversation.model ? `Assistant (${conversation.model})` : 'Assistant';
  const names = people.others(conversation).map((id) => people.name(id));
  return names.join(', ') || 'just you';
}

/**
 * Runs the chat until the user types `/back` (resolves `'back'`), `/quit` or ends the input
 * (`'quit'`). `session.reply` holds the reply streaming right now, so that Ctrl+C can stop it.
 *
 * @param {object} context
 * @param {import('@chatwire/sdk').ChatwireClient} context.client
 * @param {import('@chatwire/sdk').RealtimeConnection} context.live
 * @param {ReturnType<import('./terminal.mjs').createTerminal>} context.term
 * @param {import('@chatwire/sdk').User} context.me
 * @param {ReturnType<import('./people.mjs').createPeople>} context.people
 * @param {{ reply: import('@chatwire/sdk').ChatStream | null, conversationId: string | null }} context.session
 * @param {import('@chatwire/sdk').Conversation} conversation
 */
export async function runChat({ client, live, term, me, people, session }, conversation) {
  const { print, style } = term;
  const assistant = conversation.type === 'assistant';
  const numbering = createNumbering();
  /**
   * Prints a message with its number (for `/react`), and its reactions under it. Between people an
   * assistant is named by its alias (an assistant chat has only the one).
   */
  const show = (message) => {
    const who = assistant ? 'assistant' : message.model;
    print(`${style.dim(`#${numbering.add(message)}`)} ${formatMessage(message, people, style, who)}`);
    if (message.reactions.length > 0) print(style.dim(`   ${reactionsLine(message.reactions, me.id)}`));
  };
  const commands = createChatCommands({ client, term, me, conversationId: conversation.id, numbering });

  print();
  print(style.bold(`── ${titleOf(conversation, people)} ──`));
  print(
    style.dim(
      `/attach PATH adds a file · /search WORDS · /back to the list · /quit · ${assistant ? 'Esc stops a reply · ' : ''}Ctrl+C quits`,
    ),
  );
  // A streamed reply is not numbered: in an assistant chat, reactions are not offered.
  print(
    style.dim(`${assistant ? '' : '/react EMOJI [#] · /unreact [EMOJI] [#] · '}/status TEXT · /name NAME`),
  );
  const attachments = createAttachments(client, term);
  const history = await client.messages.list(conversation.id, { limit: 20 });
  for (const message of history.items) show(message);
  const markRead = (message) => live.markRead(conversation.id, message.id);
  const newest = history.items.at(-1);
  if (newest) markRead(newest);
  // Closed while a reply asked for an approval? Asked again now; the reply goes on.
  if (newest?.status === 'awaiting_input')
    await resumeWaiting({ client, live, term, session }, conversation.id, newest);

  const typing = typingNotifier(live, conversation.id);
  const typists = new Set();
  const stopListening = [
    live.on('message.created', ({ message }) => {
      // Our own sends are already on screen; assistant replies are streamed below.
      if (message.conversationId !== conversation.id || message.senderId === me.id) return;
      if (message.role !== 'user') return;
      // A reply only in a thread is not part of this list (the history leaves them out too).
      if (message.parentId && !message.alsoInConversation) return;
      typists.delete(message.senderId);
      show(message);
      markRead(message);
    }),
    // Between people an assistant reply is everyone's: shown whole once it has ended (in an
    // assistant chat our own request streams it, below).
    live.on('message.completed', ({ message }) => {
      if (assistant || message.conversationId !== conversation.id || message.role !== 'assistant') return;
      if (message.parentId && !message.alsoInConversation) return;
      show(message);
      markRead(message);
    }),
    live.on('typing', ({ conversationId, userId, state }) => {
      if (conversationId !== conversation.id) return;
      if (state === 'start' && !typists.has(userId)) print(style.dim(`  ${people.name(userId)} is typing…`));
      if (state === 'start') typists.add(userId);
      else typists.delete(userId);
    }),
    ...['reaction.added', 'reaction.removed'].map((type) =>
      live.on(type, (event) => {
        // My own reactions from here are shown by the command already.
        if (event.conversationId !== conversation.id || event.userId === me.id) return;
        commands.reacted(event, people.name(event.userId));
      }),
    ),
    live.on('presence', ({ userId, online }) => {
      if (!people.others(conversation).includes(userId)) return;
      print(style.dim(`  ${people.name(userId)} is ${online ? 'online' : 'offline'}`));
    }),
  ];
  session.conversationId = conversation.id;
  session.onKey = (key) => {
    if (key === 'escape') void session.reply?.abort();
    else if (!assistant && key !== 'return' && key !== 'enter') typing.keystroke();
  };

  try {
    for (;;) {
      const line = await term.ask(`${style.bold('you')} › `);
      if (line === null || line === '/quit') return 'quit';
      if (line === '/back') return 'back';
      if (line === '/search' || line.startsWith('/search ')) {
        const whereOf = (id) => (id === conversation.id ? 'here' : 'another chat');
        await printSearch({ client, term, whereOf }, line.slice('/search'.length).trim());
        continue;
      }
      if (line.startsWith('/') && (await commands.run(line))) continue;
      if (line === '/attach' || line.startsWith('/attach ')) {
        await attachments.attach(line.slice('/attach'.length).trim());
        continue;
      }
      // An empty line sends the files attached, if any.
      if (line === '' && attachments.count === 0) continue;
      typing.stop();
      // The files stay attached until the message is stored: a failed send keeps them for the next.
      const attached = attachments.list();
      if (assistant) {
        const stream = client.messages.stream(conversation.id, { content: line, attachments: attached });
        stream.on('created', () => attachments.clear());
        await followReply({ client, live, term, session }, conversation.id, stream);
      } else {
        // Over the socket: queued while offline, stored once even if re-sent after a drop.
        await live.send({ conversationId: conversation.id, content: line, attachments: attached }).then(
          (message) => {
            attachments.clear();
            // Numbered like the others, so that `/react 👍 N` reaches my own messages too.
            print(style.dim(`  sent as #${numbering.add(message)}`));
          },
          (error) => {
            print(style.red(`  not sent: ${error.message}${attached ? ' (the files stay attached)' : ''}`));
          },
        );
      }
    }
  } finally {
    typing.stop();
    for (const stop of stopListening) stop();
    session.conversationId = null;
    session.onKey = undefined;
  }
}

function formatMessage(message, people, style, assistantName) {
  const who =
    message.role === 'assistant'
      ? style.cyan(assistantName ?? 'assistant')
      : style.green(people.name(message.senderId));
  const text = message.status === 'deleted' ? style.dim('(deleted)') : bodyOf(message, style);
  const why = message.status === 'aborted' ? 'stopped' : endNote(message);
  const note = why ? style.dim(` (${why})`) : '';
  return `${who} › ${text}${note}`;
}

/** A message's text, with a line for each tool call it made where it made it, and one per file. */
function bodyOf(message, style) {
  const files = message.parts.filter((part) => part.type === 'file');
  const text = textOf(message, style);
  if (files.length === 0) return text;
  const lines = files.map((file) => style.dim(`  📎 ${describeFile(file)}`));
  return text ? `${text}\n${lines.join('\n')}` : `\n${lines.join('\n')}`;
}

function textOf(message, style) {
  if (!message.parts.some((part) => part.type === 'tool')) return message.content;
  const lines = message.parts.flatMap((part) => {
    if (part.type === 'text') return part.text ? [part.text] : [];
    const line = part.type === 'tool' ? toolLine(part) : null;
    return line ? [style.dim(line)] : [];
  });
  // A tool line keeps its indent: on a line of its own, below `assistant ›`.
  return message.parts.find((part) => part.type === 'text' || part.type === 'tool')?.type === 'tool'
    ? `\n${lines.join('\n')}`
    : lines.join('\n');
}

/** Says "typing" on the first keystroke (renewed while it goes on) and "stopped" after a pause. */
function typingNotifier(live, conversationId) {
  let lastStart = 0;
  let idle;
  const stop = () => {
    clearTimeout(idle);
    if (lastStart === 0) return;
    lastStart = 0;
    live.typing(conversationId, 'stop');
  };
  return {
    keystroke() {
      if (Date.now() - lastStart > TYPING_RENEW_MS) {
        lastStart = Date.now();
        live.typing(conversationId, 'start');
      }
      clearTimeout(idle);
      idle = setTimeout(stop, TYPING_IDLE_MS);
    },
    stop,
  };
}
