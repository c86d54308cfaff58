/**
 * The terminal: questions and input lines (queued, so piped input is never lost), hidden
 * password entry, and notices printed above the prompt without breaking what is being typed.
 */
import readline from 'node:readline';
import { Writable } from 'node:stream';

const ansi = (open, close) => (text) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text) => text;

/**
 * Creates the terminal on stdin/stdout (or the streams given). Colours only on a TTY without
 * `NO_COLOR`; on a pipe (tests, scripts) every line is plain text.
 */
export function createTerminal({ input = process.stdin, output = process.stdout } = {}) {
  const tty = Boolean(input.isTTY && output.isTTY);
  const colour = tty && !process.env.NO_COLOR;
  let echo = true;
  // readline echoes keystrokes through its output: muting it hides a password, or keystrokes
  // made while a reply streams (they still queue up as the next line).
  const echoed = new Writable({
    write(chunk, encoding, done) {
      if (echo) output.write(chunk, encoding);
      done();
    },
  });
  const rl = readline.createInterface({ input, output: echoed, terminal: tty });
  /** Lines typed before anyone asked for them: a pipe delivers all of its input at once. */
  const queued = [];
  /** Who waits for the next line. */
  let waiting;
  let closed = false;
  let prompting = false;

  rl.on('line', (line) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(line);
    } else queued.push(line);
  });
  rl.on('close', () => {
    closed = true;
    waiting?.(null);
  });

  const nextLine = () =>
    queued.length > 0
      ? Promise.resolve(queued.shift())
      : closed
        ? Promise.resolve(null)
        : new Promise((resolve) => (waiting = resolve));

  return {
    tty,
    style: {
      dim: colour ? ansi(2, 22) : plain,
      bold: colour ? ansi(1, 22) : plain,
      green: colour ? ansi(32, 39) : plain,
      cyan: colour ? ansi(36, 39) : plain,
      red: colour ? ansi(31, 39) : plain,
    },

    /** Shows `question` and resolves with the next line (trimmed), or `null` at the end of input. */
    async ask(question, { hidden = false } = {}) {
      if (closed) return null;
      rl.setPrompt(question);
      rl.prompt();
      prompting = true;
      echo = !hidden;
      const line = await nextLine();
      prompting = false;
      if (!echo) output.write('\n');
      echo = true;
      return line === null ? null : line.trim();
    },

    /** Prints a line; while a prompt waits, above it, with what was typed so far redrawn. */
    print(text = '') {
      if (prompting && tty) {
        readline.clearLine(output, 0);
        readline.cursorTo(output, 0);
        output.write(`${text}\n`);
        rl.prompt(true);
      } else output.write(`${text}\n`);
    },

    /** Writes text as it comes (a streaming reply). */
    write(text) {
      output.write(text);
    },

    /** Hides keystrokes until `true` again (while a reply streams). */
    setEcho(on) {
      echo = on;
    },

    /** Ctrl+C: from the keyboard on a TTY (readline catches it), or a signal on a pipe. */
    onInterrupt(listener) {
      rl.on('SIGINT', listener);
      process.on('SIGINT', listener);
    },

    /** Every key pressed (TTY only): `listener(name)`, e.g. `'escape'`, `'a'`, `'return'`. */
    onKey(listener) {
      if (tty) input.on('keypress', (_text, key) => listener(key?.name ?? ''));
    },

    close() {
      rl.close();
    },
  };
}
