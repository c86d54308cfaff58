// Reactions fan-out: in a group of RECEIVERS + 1 users (the fan-out bench's server, see
// fanout/chatwire-server.mjs), the time from the sender's `POST …/reactions` until all RECEIVERS
// sockets have the `reaction.added`, against the time from its `POST …/messages` until all have the
// `message.created` — both over REST, alternating, SAMPLES of each per round and ROUNDS rounds in
// one run; a round compares the two medians (one pair alone is mostly the shared machine's noise).
// Target: a reaction ≤ 1.2× a message. Each reaction is on the message sent just before it (a
// fresh marker to wait for), so every reaction event names one reacting user.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { inBatches, openChatwire } from './fanout/clients.mjs';
import { fmt } from './lib.mjs';

const N = Number(process.env.REACTIONS_N ?? 1000);
const ROUNDS = Number(process.env.REACTIONS_ROUNDS ?? 5);
/** Messages and reactions in each round (alternating): the round compares their medians. */
const SAMPLES = Number(process.env.REACTIONS_SAMPLES ?? 9);
const WARMUP = 3;
/** Emoji used in the rounds: each round reacts with the next one (a message takes 20 distinct). */
const emoji = ['👍', '🎉', '❤️', '😂', '🚀', '👀', '🙏', '🔥', '✅', '💯', '🤔', '👏', '😮', '😢', '🙌'];

function startServer() {
  const child = fork(new URL('./fanout/chatwire-server.mjs', import.meta.url), [], {
    execArgv: (process.env.REACTIONS_CHILD_ARGS ?? '').split(' ').filter(Boolean),
    env: { ...process.env, RECEIVERS: String(N) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`chatwire-server.mjs exited with ${code}`)));
    child.on('message', (message) => {
      if (message.type === 'listening') resolve(message);
    });
  });
  return {
    ready,
    async stop() {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** Resolves with the time (performance.now()) the `N`th frame matching `match` arrived. */
function createWaiter() {
  let pending = null;
  return {
    receive(text) {
      if (!pending || !text.includes(pending.marker)) return;
      pending.count += 1;
      if (pending.count === N) {
        const { resolve } = pending;
        pending = null;
        resolve(performance.now());
      }
    },
    /** Waits for `N` frames containing `marker` (unique per round). */
    expect(marker, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${pending?.count} of ${N} deliveries of ${marker}`)),
          timeoutMs,
        );
        pending = {
          marker,
          count: 0,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
      });
    },
  };
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} → ${response.status} ${await response.text()}`);
  return response.json();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs the reactions bench; prints a table and returns the rounds and the ratio range. */
export async function benchReactions() {
  const server = startServer();
  const info = await server.ready;
  const waiter = createWaiter();
  const receivers = await inBatches(
    N,
    100,
    async (n) => (await openChatwire(info.url, info.tokens[n], waiter.receive)).ws,
  );
  const messages = `${info.url}/v1/conversations/${info.conversationId}/messages`;
  const rounds = [];
  try {
    let sent = 0;
    /** One message's fan-out: POST → the N-th `message.created` carrying its clientMessageId. */
    async function messageRound() {
      const clientMessageId = `bench-${sent++}-${Date.now()}`;
      const done = waiter.expect(clientMessageId);
      const start = performance.now();
      const [{ message }] = await Promise.all([
        post(messages, info.senderToken, { content: 'A message of ordinary length.', clientMessageId }),
        done,
      ]);
      return { ms: (await done) - start, message };
    }
    /** One reaction's fan-out: POST → the N-th `reaction.added` naming the message and emoji. */
    async function reactionRound(messageId, chosen) {
      const marker = `"messageId":"${messageId}","userId":`;
      const done = waiter.expect(marker);
      const start = performance.now();
      await Promise.all([
        post(`${messages}/${messageId}/reactions`, info.senderToken, { emoji: chosen }),
        done,
      ]);
      return (await done) - start;
    }

    for (let i = 0; i < WARMUP; i += 1) {
      const { message } = await messageRound();
      await reactionRound(message.id, emoji[i]);
    }
    for (let i = 0; i < ROUNDS; i += 1) {
      const messageTimes = [];
      const reactionTimes = [];
      for (let j = 0; j < SAMPLES; j += 1) {
        const { ms, message } = await messageRound();
        messageTimes.push(ms);
        reactionTimes.push(await reactionRound(message.id, emoji[j % emoji.length]));
      }
      const messageMs = median(messageTimes);
      const reactionMs = median(reactionTimes);
      rounds.push({ messageMs, reactionMs, ratio: reactionMs / messageMs });
    }
  } finally {
    for (const ws of receivers) ws.terminate();
    await server.stop();
  }

  console.log(
    `\n## Reactions: 1 reaction → ${fmt(N)} sockets vs 1 message → ${fmt(N)} sockets (REST; ${ROUNDS} rounds of ${SAMPLES} each, medians)`,
  );
  console.log('| round | message fan-out | reaction fan-out | reaction / message |');
  console.log('| ---: | ---: | ---: | ---: |');
  rounds.forEach((round, i) => {
    console.log(
      `| ${i + 1} | ${fmt(round.messageMs, 1)} ms | ${fmt(round.reactionMs, 1)} ms | ${fmt(round.ratio, 2)}× |`,
    );
  });
  const ratios = rounds.map((round) => round.ratio).sort((a, b) => a - b);
  console.log(
    `\nreaction / message: ${fmt(ratios[0], 2)}–${fmt(ratios.at(-1), 2)}× (median ${fmt(median(ratios), 2)}×; target ≤ 1.2); median message ${fmt(median(rounds.map((r) => r.messageMs)), 1)} ms, reaction ${fmt(median(rounds.map((r) => r.reactionMs)), 1)} ms`,
  );
  return { rounds, min: ratios[0], max: ratios.at(-1) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchReactions();
  process.exit(0);
}
