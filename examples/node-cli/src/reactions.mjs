/**
 * Reactions and profile commands in a chat: `/react <emoji> [number]`, `/unreact [emoji] [number]`,
 * `/status <text>`, `/name <text>`, and the lines that show reactions under messages.
 *
 * Messages are numbered in the order the chat showed them (`#3`); a command without a number
 * means the newest message.
 */

/** `👍 2 · ❤️ 1 (you)`: a message's reactions in one line, "(you)" where mine is among them. */
export function reactionsLine(reactions, me) {
  return reactions
    .map((group) => `${group.emoji} ${group.count}${group.userIds.includes(me) ? ' (you)' : ''}`)
    .join(' · ');
}

/** The messages a chat has shown, numbered from 1, found by number or by id. */
export function createNumbering() {
  const messages = [];
  return {
    /** Numbers `message` (once: a message shown again keeps its number); answers its number. */
    add(message) {
      const index = messages.findIndex((m) => m.id === message.id);
      if (index >= 0) {
        messages[index] = message;
        return index + 1;
      }
      return messages.push(message);
    },
    numberOf: (messageId) => messages.findIndex((m) => m.id === messageId) + 1 || null,
    /** The message numbered `n`, or the newest one without `n`. */
    pick: (n) => (n === undefined ? messages.at(-1) : messages[n - 1]),
  };
}

const usageOf = {
  '/react': '/react <emoji> [message number]',
  '/unreact': '/unreact [emoji] [message number]',
  '/status': '/status <text> (empty clears it)',
  '/name': '/name <your new display name>',
};

/**
 * The chat's reaction and profile commands. `run(line)` answers `false` for a line that is none of
 * them (a message to send).
 */
export function createChatCommands({ client, term, me, conversationId, numbering }) {
  const { print, style } = term;
  const explain = (error) => {
    const details = (error.details ?? []).map((detail) => ` (${detail.message})`).join('');
    return `${error.message}${details}`;
  };

  /** Parses `[emoji] [number]`: a trailing whole number is the message number. */
  function target(args, emojiRequired) {
    const last = args.at(-1);
    const n =
      last !== undefined && /^\d+$/.test(last) && (args.length > 1 || !emojiRequired)
        ? Number(last)
        : undefined;
    const emoji = (n === undefined ? args : args.slice(0, -1))[0];
    const message = numbering.pick(n);
    if (!message) {
      print(style.dim(n === undefined ? '  no message to react to yet' : `  no message #${n} here`));
      return null;
    }
    return { emoji, message, n: numbering.numberOf(message.id) };
  }

  function showReactions(message) {
    numbering.add(message);
    const line = reactionsLine(message.reactions, me.id);
    print(style.dim(`  #${numbering.numberOf(message.id)} ${line || 'no reactions'}`));
  }

  const commands = {
    async '/react'(args) {
      const picked = target(args, true);
      if (!picked) return;
      if (!picked.emoji) return print(style.dim(`  ${usageOf['/react']}`));
      showReactions(await client.messages.react(conversationId, picked.message.id, picked.emoji));
    },
    async '/unreact'(args) {
      const picked = target(args, false);
      if (!picked) return;
      const mine = picked.emoji
        ? [picked.emoji]
        : picked.message.reactions.filter((g) => g.userIds.includes(me.id)).map((g) => g.emoji);
      if (mine.length === 0) return print(style.dim(`  you have not reacted to #${picked.n}`));
      let message = picked.message;
      for (const emoji of mine) message = await client.messages.unreact(conversationId, message.id, emoji);
      showReactions(message);
    },
    async '/status'(_args, rest) {
      const user = await client.users.updateMe({ statusText: rest || null });
      print(style.dim(user.statusText ? `  your status: ${user.statusText}` : '  your status is cleared'));
    },
    async '/name'(_args, rest) {
      if (!rest) return print(style.dim(`  ${usageOf['/name']}`));
      const user = await client.users.updateMe({ displayName: rest });
      print(style.dim(`  you are now ${user.displayName}`));
    },
  };

  return {
    /** Runs `line` when it is one of the commands; answers whether it was. */
    async run(line) {
      const [name, ...args] = line.trim().split(/\s+/);
      const command = commands[name];
      if (!command) return false;
      const rest = line.trim().slice(name.length).trim();
      try {
        await command(args, rest);
      } catch (error) {
        print(style.red(`  ${name.slice(1)} failed: ${explain(error)}`));
      }
      return true;
    },

    /** A reaction event of this chat: who did what, on which message, and its reactions now. */
    reacted(event, name) {
      const n = numbering.numberOf(event.messageId);
      const what =
        event.type === 'reaction.added' ? `reacted ${event.emoji} to` : `took back ${event.emoji} on`;
      print(style.dim(`  ${name} ${what} ${n ? `#${n}` : 'an older message'}`));
      if (n) showReactions({ ...numbering.pick(n), reactions: event.reactions });
    },
  };
}
