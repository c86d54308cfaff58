/**
 * One conversation in the terminal: its recent history, then a prompt. Assistant replies stream
 * token by token over `client.messages.stream`; other people's messages, typing and presence
 * arrive over the shared real-time connection.
 */

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
  const show = (message) => print(formatMessage(message, people, style));

  print();
  print(style.bold(`── ${titleOf(conversation, people)} ──`));
  print(style.dim(`/back to the list · /quit · ${assistant ? 'Esc stops a reply · ' : ''}Ctrl+C quits`));
  const history = await client.messages.list(conversation.id, { limit: 20 });
  for (const message of history.items) show(message);
  const markRead = (message) => live.markRead(conversation.id, message.id);
  const newest = history.items.at(-1);
  if (newest) markRead(newest);

  const typing = typingNotifier(live, conversation.id);
  const typists = new Set();
  const stopListening = [
    live.on('message.created', ({ message }) => {
      // Our own sends are already on screen; assistant replies are streamed below.
      if (message.conversationId !== conversation.id || message.senderId === me.id) return;
      if (message.role !== 'user') return;
      typists.delete(message.senderId);
      show(message);
      markRead(message);
    }),
    live.on('typing', ({ conversationId, userId, state }) => {
      if (conversationId !== conversation.id) return;
      if (state === 'start' && !typists.has(userId)) print(style.dim(`  ${people.name(userId)} is typing…`));
      if (state === 'start') typists.add(userId);
      else typists.delete(userId);
    }),
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
      if (line === '') continue;
      typing.stop();
      if (assistant) await streamReply({ client, live, term, session }, conversation.id, line);
      else {
        // Over the socket: queued while offline, stored once even if re-sent after a drop.
        await live.send({ conversationId: conversation.id, content: line }).catch((error) => {
          print(style.red(`  not sent: ${error.message}`));
        });
      }
    }
  } finally {
    typing.stop();
    for (const stop of stopListening) stop();
    session.conversationId = null;
    session.onKey = undefined;
  }
}

/** Sends `content` and prints the assistant's reply as it streams. */
async function streamReply({ client, live, term, session }, conversationId, content) {
  const { style } = term;
  const stream = client.messages.stream(conversationId, { content });
  session.reply = stream;
  // Keystrokes made meanwhile are kept for the next prompt, but not drawn over the reply.
  term.setEcho(false);
  term.write(`${style.cyan('assistant')} › `);
  stream.on('delta', (delta) => term.write(delta));
  try {
    const reply = await stream.finalMessage();
    term.write('\n');
    live.markRead(conversationId, reply.id);
    if (reply.status === 'aborted') term.print(style.dim('  (stopped: the partial reply is kept)'));
    const why = endNote(reply);
    if (why) term.print(style.dim(`  (${why})`));
  } catch (error) {
    term.write('\n');
    term.print(style.red(`  the reply failed: ${error.message}`));
  } finally {
    session.reply = null;
    term.setEcho(true);
  }
}

/** Why a reply ended, when it did not simply finish: cut off, withheld, or answering edited words. */
function endNote(message) {
  if (message.finishReason === 'length') return "cut off at the model's length limit";
  if (message.finishReason === 'content_filter') return 'the provider withheld the rest';
  if (message.stale) return 'answers an earlier version of the message before it';
  return null;
}

function formatMessage(message, people, style) {
  const who =
    message.role === 'assistant' ? style.cyan('assistant') : style.green(people.name(message.senderId));
  const text = message.status === 'deleted' ? style.dim('(deleted)') : message.content;
  const why = message.status === 'aborted' ? 'stopped' : endNote(message);
  const note = why ? style.dim(` (${why})`) : '';
  return `${who} › ${text}${note}`;
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
