/**
 * One assistant reply in the terminal: its text as it streams, reasoning dimmed, a line for each
 * step of a tool call, and a y/n question for a call that waits for the user's approval — after
 * which the same reply goes on streaming.
 */
import { pendingToolCalls } from '@chatwire/sdk';

/**
 * Streams `stream` (a reply), then asks about each call it waits to have approved and streams
 * what the reply does next, until it no longer waits for this user.
 *
 * @param {{ client: import('@chatwire/sdk').ChatwireClient, live: import('@chatwire/sdk').RealtimeConnection, term: ReturnType<import('./terminal.mjs').createTerminal>, session: { reply: import('@chatwire/sdk').ChatStream | null } }} context
 * @param {string} conversationId
 * @param {import('@chatwire/sdk').ChatStream} stream
 */
export async function followReply(context, conversationId, stream) {
  let next = stream;
  while (next) {
    const reply = await show(context, conversationId, next);
    next = reply && (await askToApprove(context, conversationId, reply));
  }
}

/**
 * A reply found waiting in the history (the CLI was closed while it asked): the same questions,
 * then the reply streams on.
 */
export async function resumeWaiting(context, conversationId, reply) {
  const next = await askToApprove(context, conversationId, reply);
  if (next) await followReply(context, conversationId, next);
}

/** Prints the reply as it streams; resolves with it as stored, or `null` when it failed. */
async function show({ live, term, session }, conversationId, stream) {
  const { style } = term;
  const printer = replyPrinter(term);
  session.reply = stream;
  // Keystrokes made meanwhile are kept for the next prompt, but not drawn over the reply.
  term.setEcho(false);
  stream.on('reasoning', (delta) => printer.reasoning(delta));
  stream.on('delta', (delta) => printer.text(delta));
  stream.on('part', (part) => {
    if (part.type === 'tool') printer.tool(part);
  });
  try {
    const reply = await stream.finalMessage();
    printer.end();
    live.markRead(conversationId, reply.id);
    if (reply.status === 'aborted') term.print(style.dim('  (stopped: the partial reply is kept)'));
    const why = endNote(reply);
    if (why) term.print(style.dim(`  (${why})`));
    return reply;
  } catch (error) {
    printer.end();
    term.print(style.red(`  the reply failed: ${error.message}`));
    return null;
  } finally {
    session.reply = null;
    term.setEcho(true);
  }
}

/**
 * For a reply `awaiting_input`: asks about the first call waiting for an approval and answers it,
 * resolving with the stream of what the reply does next; `null` when nothing waits for this user.
 */
async function askToApprove({ client, term }, conversationId, reply) {
  if (reply.status !== 'awaiting_input') return null;
  const { approvals, toolResults } = pendingToolCalls(reply);
  const [call] = approvals;
  if (!call) {
    const names = toolResults.map((part) => part.toolName).join(', ');
    term.print(term.style.dim(`  (the reply waits for ${names || 'a tool'}, which another client runs)`));
    return null;
  }
  const answer = await term.ask(`  run ${describeCall(call)}? [y/N] `);
  if (answer === null) return null;
  const approved = /^y(es)?$/i.test(answer);
  const reason = approved ? undefined : 'The user said no in the terminal';
  const stream = client.messages.approveToolCallStream(conversationId, reply.id, {
    toolCallId: call.toolCallId,
    approved,
    ...(reason ? { reason } : {}),
    parts: reply.parts,
  });
  // The stream starts from the call as answered here, so a denial is said here (a run, by its output).
  if (!approved)
    term.print(term.style.dim(toolLine({ ...call, state: 'output-denied', approval: { approved, reason } })));
  return stream;
}

/**
 * Writes a streaming reply: `assistant › ` before its text, `thinking › ` before its reasoning, a
 * line of its own for each new state of a tool call (a state shown once, however often it comes).
 */
function replyPrinter({ write, style }) {
  /** What the line being written holds: `text`, `reasoning`, or nothing (a new line is due). */
  let line = null;
  const shown = new Map();
  const begin = (kind) => {
    if (line === kind) return;
    if (line) write('\n');
    write(kind === 'reasoning' ? style.dim('  thinking › ') : `${style.cyan('assistant')} › `);
    line = kind;
  };
  const end = () => {
    if (line) write('\n');
    line = null;
  };
  return {
    text(delta) {
      begin('text');
      write(delta);
    },
    reasoning(delta) {
      begin('reasoning');
      write(style.dim(delta));
    },
    tool(call) {
      const text = toolLine(call);
      if (!text || shown.get(call.toolCallId) === call.state) return;
      shown.set(call.toolCallId, call.state);
      end();
      write(`${style.dim(text)}\n`);
    },
    end,
  };
}

/** One line for a tool call in the state it is in (none while its input is still being written). */
export function toolLine(call) {
  switch (call.state) {
    case 'input-available':
      return `  ⚙ ${describeCall(call)}${call.approval?.approved ? ' (approved)' : ''}`;
    case 'approval-requested':
      return `  ⚙ ${describeCall(call)} needs your approval`;
    case 'output-available':
      return `  ↳ ${call.toolName}: ${JSON.stringify(call.output)}`;
    case 'output-error':
      return `  ↳ ${call.toolName} failed: ${call.errorText}`;
    case 'output-denied':
      return `  ↳ ${call.toolName} denied${call.approval?.reason ? `: ${call.approval.reason}` : ''}`;
    default:
      return null;
  }
}

const describeCall = (call) => `${call.toolName} ${JSON.stringify(call.input ?? {})}`;

/** Why a reply ended, when it did not simply finish: cut off, withheld, or answering edited words. */
export function endNote(message) {
  if (message.finishReason === 'length') return "cut off at the model's length limit";
  if (message.finishReason === 'content_filter') return 'the provider withheld the rest';
  if (message.finishReason === 'tool_calls') return 'stopped after its last tool step: the step limit';
  if (message.stale) return 'answers an earlier version of the message before it';
  return null;
}
