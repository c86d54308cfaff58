// The client side of the real-time benches (fanout.mjs, cluster.mjs): delivery counters that read
// the send time stamped into a message's content, and WebSocket receivers opened in batches.
// Shared so that every bench counts deliveries and latencies the same way.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

let sent = 0;
/**
 * A message content carrying its send time (`~t=<ms>|`) and a number unique in this process
 * (`#<n>|`), for the receivers to read: the time for latencies, the number to find losses and
 * duplicates.
 */
export function content() {
  sent += 1;
  return `~t=${performance.now()}|#${sent}| A message of ordinary length for the fan-out benchmark.`;
}

/** The number `content()` put in a frame's text, or -1. */
function numberIn(text) {
  const at = text.indexOf('|#');
  return at < 0 ? -1 : Number.parseInt(text.slice(at + 2, at + 14), 10);
}

/**
 * Counts deliveries (frames carrying a `~t=` stamp) and, while recording, their latencies.
 * `receiverFor(i)` also keeps, per receiver, which messages it got since the last `expect`:
 * `check(sentCount)` then tells how many deliveries were missing and how many came twice.
 */
export function createCounter() {
  let count = 0;
  let total = 0;
  let lastAt = 0;
  let target = Number.POSITIVE_INFINITY;
  let done = () => {};
  let latencies = [];
  /** Per receiver (by index), the message numbers received in this phase. */
  const seen = [];
  let duplicates = 0;
  const counter = {
    receiverFor(index) {
      seen[index] = new Set();
      return (text) => {
        const n = numberIn(text);
        if (n >= 0) {
          if (seen[index].has(n)) duplicates += 1;
          else seen[index].add(n);
        }
        counter.receive(text);
      };
    },
    /** Deliveries missing (receivers × `sentCount` − distinct received) and duplicated in this phase. */
    check(sentCount) {
      let missing = 0;
      for (const numbers of seen) if (numbers) missing += Math.max(0, sentCount - numbers.size);
      return { missing, duplicates };
    },
    receive(text) {
      const at = text.indexOf('~t=');
      if (at < 0) return;
      lastAt = performance.now();
      latencies.push(lastAt - Number.parseFloat(text.slice(at + 3, at + 40)));
      count += 1;
      total += 1;
      if (count >= target) done();
    },
    /** Deliveries since the counter was made, and when the last one arrived (performance.now()). */
    get total() {
      return total;
    },
    get lastAt() {
      return lastAt;
    },
    /** Resets, and resolves once `expected` deliveries have arrived. */
    expect(expected, timeoutMs = 90_000) {
      count = 0;
      latencies = [];
      duplicates = 0;
      for (const numbers of seen) numbers?.clear();
      target = expected;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${count} of ${expected} deliveries`)),
          timeoutMs,
        );
        done = () => {
          clearTimeout(timer);
          target = Number.POSITIVE_INFINITY;
          resolve(latencies);
        };
      });
    },
  };
  return counter;
}

/** `make(0 … count-1)`, `size` at a time (a thousand simultaneous handshakes only measure the backlog). */
export async function inBatches(count, size, make) {
  const all = [];
  for (let start = 0; start < count; start += size) {
    const batch = [];
    for (let n = start; n < Math.min(count, start + size); n += 1) batch.push(make(n));
    all.push(...(await Promise.all(batch)));
  }
  return all;
}

/**
 * A chatwire real-time socket, authenticated: resolves with `{ ws, ready }` once `ready` arrived;
 * every later frame's text goes to `onText`. `resumeFrom` resumes (frames before `ready`, such as
 * `resync`, also go to `onText`). `onAuthSent(performance.now())` is called as `auth` leaves.
 */
export function openChatwire(baseUrl, token, onText, { resumeFrom, onAuthSent = () => {} } = {}) {
  const url = `${baseUrl.replace('http', 'ws')}/v1/realtime`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => {
      onAuthSent(performance.now());
      ws.send(JSON.stringify({ type: 'auth', token, ...(resumeFrom === undefined ? {} : { resumeFrom }) }));
    });
    const onMessage = (data) => {
      const text = data.toString();
      const frame = JSON.parse(text);
      if (frame.type === 'ready') {
        ws.off('message', onMessage);
        ws.on('message', (next) => onText(next.toString()));
        resolve({ ws, ready: frame });
      } else if (frame.type === 'resync') onText(text);
      else reject(new Error(`auth failed: ${text}`));
    };
    ws.on('message', onMessage);
  });
}
