// (8) Tools and reasoning: what chatwire adds to a tool round trip, and how fast a stream of
// reasoning then text goes through it, against the same work done by a client talking to the
// upstream directly, in one run.
//   - Tool round trip: the model calls a tool (one `tool_calls` step, the arguments in pieces), the
//     tool runs (a no-op: what is measured is chatwire's loop, not a tool), the model is asked again.
//     The upstream stamps when it ended step 1 and when step 2's request came: the gap is what the
//     client between them costs. Direct: a hand-written loop (parse the streamed call, build the
//     `tool` message, send the next request). Through chatwire: the whole turn loop (parts, the tool
//     part's states, the context rebuilt, the directory, the fan-out).
//   - Reasoning + text: one stream of N `reasoning_content` deltas then N text deltas; deltas/s read
//     by a client (eventsource-parser + JSON.parse for both: no SDK in between).
// The upstream and the chatwire server each run in a worker thread, the clients in the main thread.
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fmt, loadParser, percentile, serveChatwireInWorker, startWorker, tempDir } from './lib.mjs';

const ROUND_TRIPS = Number(process.env.TOOLS_ROUND_TRIPS ?? 200);
const REASONING_DELTAS = Number(process.env.TOOLS_REASONING_DELTAS ?? 100_000);
const RUNS = Number(process.env.TOOLS_RUNS ?? 3);

const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

// ---------------------------------------------------------------------------------------------
// Worker side: the fake upstream, and the chatwire server.

/**
 * `/v1/chat/completions`: a request whose last message is a user's asks for the `noop` tool (its
 * arguments in three pieces); one whose last message is a tool result is answered in text. A user
 * message `reasoning:N` streams N reasoning deltas, then N text deltas. Every request's arrival
 * and every response's end are stamped for the main thread.
 */
async function serveUpstream() {
  const stamps = [];
  const server = createServer(async (request, response) => {
    const arrived = performance.timeOrigin + performance.now();
    let body = '';
    for await (const piece of request) body += piece;
    const { messages } = JSON.parse(body);
    const last = messages.at(-1);
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    const reasoning = /reasoning:(\d+)/.exec(last.content ?? '');
    if (reasoning) {
      const n = Number(reasoning[1]);
      let batch = '';
      const flush = async () => {
        if (!response.write(batch)) await once(response, 'drain');
        batch = '';
      };
      for (let i = 0; i < n; i += 1) {
        batch += chunk({ reasoning_content: ' r' });
        if (batch.length >= 64 * 1024) await flush();
      }
      for (let i = 0; i < n; i += 1) {
        batch += chunk({ content: ' t' });
        if (batch.length >= 64 * 1024) await flush();
      }
      response.end(`${batch}${chunk({}, 'stop')}data: [DONE]\n\n`);
      return;
    }
    if (last.role === 'tool') {
      stamps.push({ kind: 'step2', at: arrived });
      response.end(`${chunk({ content: 'Done.' })}${chunk({}, 'stop')}data: [DONE]\n\n`);
      return;
    }
    const id = `call_${stamps.length}`;
    response.write(
      chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name: 'noop', arguments: '' } }] }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: '1,"b":' } }] }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: '2}' } }] }),
    );
    response.end(`${chunk({}, 'tool_calls')}data: [DONE]\n\n`, () =>
      stamps.push({ kind: 'step1', at: performance.timeOrigin + performance.now() }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  parentPort.on('message', (message) => {
    if (message === 'stamps') parentPort.postMessage({ stamps: stamps.splice(0) });
  });
  parentPort.postMessage({ url: `http://127.0.0.1:${server.address().port}` });
}

/** The chatwire server with one tool that does nothing: the round trip is all that is measured. */
async function serveChatwireWithTool(data) {
  const { defineTool } = await import('@chatwire/server');
  const z = await import('zod');
  const noop = defineTool({
    name: 'noop',
    description: 'Does nothing',
    input: z.object({ a: z.number(), b: z.number() }),
    execute: () => ({ ok: true }),
  });
  await serveChatwireInWorker(data, { tools: [noop] });
}

if (!isMainThread) {
  if (workerData.role === 'upstream') await serveUpstream();
  else await serveChatwireWithTool(workerData);
}

// ---------------------------------------------------------------------------------------------
// Main thread: the clients.

/** Reads an SSE response, handing each `data:` payload (parsed) to `onData`. */
async function readEvents(createParser, response, onData) {
  const parser = createParser({ onEvent: ({ data }) => data !== '[DONE]' && onData(JSON.parse(data)) });
  const decoder = new TextDecoder();
  for await (const piece of response.body) parser.feed(decoder.decode(piece, { stream: true }));
}

const completions = (upstream, messages, extra = {}) =>
  fetch(`${upstream}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages, ...extra }),
  });

/** A hand-written two-step tool loop against the upstream. */
function directLoop(createParser, upstream) {
  return async () => {
    const messages = [{ role: 'user', content: 'call it' }];
    const calls = [];
    await readEvents(createParser, await completions(upstream, messages), (data) => {
      for (const piece of data.choices[0]?.delta?.tool_calls ?? []) {
        calls[piece.index] ??= { id: piece.id, name: piece.function?.name, args: '' };
        calls[piece.index].args += piece.function?.arguments ?? '';
      }
    });
    const call = calls[0];
    messages.push(
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.args } }],
      },
      {
        role: 'tool',
        tool_call_id: call.id,
        content: JSON.stringify({ ok: true, input: JSON.parse(call.args) }),
      },
    );
    let text = '';
    await readEvents(createParser, await completions(upstream, messages), (data) => {
      text += data.choices[0]?.delta?.content ?? '';
    });
    if (text !== 'Done.') throw new Error(`direct: ${text}`);
  };
}

/** One send through chatwire whose reply makes one tool round trip (SSE, read to the end). */
function chatwireLoop(createParser, base, token, conversations) {
  return async (content = 'call it') => {
    const chatId = conversations.pop();
    const response = await fetch(`${base}/v1/conversations/${chatId}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ content }),
    });
    let completed;
    let deltas = 0;
    let first = 0;
    const start = performance.now();
    await readEvents(createParser, response, (event) => {
      if (event.type === 'message.delta') {
        if (deltas === 0) first = performance.now() - start;
        deltas += 1;
      } else if (event.type === 'message.completed') completed = event.message;
    });
    return { completed, deltas, total: performance.now() - start, first };
  };
}

/** The gaps, step 1's end → step 2's request, of the round trips since the last call. */
async function gaps(upstream) {
  upstream.worker.postMessage('stamps');
  const [{ stamps }] = await once(upstream.worker, 'message');
  const out = [];
  let ended;
  for (const stamp of stamps) {
    if (stamp.kind === 'step1') ended = stamp.at;
    else if (ended !== undefined) {
      out.push(stamp.at - ended);
      ended = undefined;
    }
  }
  return out.sort((a, b) => a - b);
}

const ms = (value) => `${fmt(value, 2)} ms`;

export async function benchTools() {
  const createParser = await loadParser();
  const dataDir = await tempDir('tools');
  const upstream = await startWorker(new URL(import.meta.url), { role: 'upstream' });
  const chatwire = await startWorker(new URL(import.meta.url), {
    role: 'chatwire',
    upstream: upstream.url,
    dataDir,
  });
  try {
    const register = await fetch(`${chatwire.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'tools@example.com', password: 'Bench-pass-1', displayName: 'Tools' }),
    });
    const token = (await register.json()).tokens.accessToken;
    const conversations = [];
    for (let n = 0; n < ROUND_TRIPS + 20 + RUNS * 2 + 2; n += 1) {
      const created = await fetch(`${chatwire.url}/v1/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'assistant' }),
      });
      conversations.push((await created.json()).id);
    }
    const direct = directLoop(createParser, upstream.url);
    const ours = chatwireLoop(createParser, chatwire.url, token, conversations);

    // 1. Tool round trips, the two loops interleaved; the gaps read off the upstream's stamps.
    for (let n = 0; n < 20; n += 1) {
      await direct();
      await ours();
    }
    await gaps(upstream);
    const gap = { direct: [], ours: [] };
    for (let n = 0; n < ROUND_TRIPS; n += 1) {
      await direct();
      gap.direct.push(...(await gaps(upstream)));
      const { completed } = await ours();
      if (
        completed?.content !== 'Done.' ||
        completed.parts.find((p) => p.type === 'tool')?.state !== 'output-available'
      )
        throw new Error(`chatwire: ${JSON.stringify(completed)}`);
      gap.ours.push(...(await gaps(upstream)));
    }
    gap.direct.sort((a, b) => a - b);
    gap.ours.sort((a, b) => a - b);

    // 2. Reasoning then text, one long stream; the best of RUNS each.
    const content = `reasoning:${REASONING_DELTAS}`;
    const directStream = async () => {
      const start = performance.now();
      let count = 0;
      await readEvents(createParser, await completions(upstream.url, [{ role: 'user', content }]), (data) => {
        const delta = data.choices[0]?.delta;
        if (delta?.content || delta?.reasoning_content) count += 1;
      });
      if (count !== REASONING_DELTAS * 2) throw new Error(`direct: ${count} deltas`);
      return performance.now() - start;
    };
    await ours(`reasoning:${REASONING_DELTAS / 10}`);
    const long = { direct: [], ours: [] };
    for (let n = 0; n < RUNS; n += 1) {
      long.direct.push(await directStream());
      const run = await ours(content);
      if (run.deltas !== REASONING_DELTAS * 2) throw new Error(`chatwire: ${run.deltas} deltas`);
      long.ours.push(run.total);
    }
    const best = { direct: Math.min(...long.direct), ours: Math.min(...long.ours) };
    const rate = {
      direct: ((REASONING_DELTAS * 2) / best.direct) * 1000,
      ours: ((REASONING_DELTAS * 2) / best.ours) * 1000,
    };

    const row = (name, base, value, ratio, note = '') =>
      console.log(`| ${name} | ${base} | ${value} | ${ratio} | ${note} |`);
    console.log('\n## Tools and reasoning: chatwire vs a client talking to the upstream directly');
    console.log('| measure | direct | through chatwire | ratio | note |');
    console.log('| --- | --- | --- | --- | --- |');
    const [d50, o50] = [percentile(gap.direct, 50), percentile(gap.ours, 50)];
    row(
      `tool round trip: step 1's end → step 2's request, p50 (${ROUND_TRIPS})`,
      ms(d50),
      ms(o50),
      `${(o50 / d50).toFixed(2)}×`,
      `chatwire adds ${ms(o50 - d50)} over a hand-written loop (target ≤ 2 ms)`,
    );
    row('… p99', ms(percentile(gap.direct, 99)), ms(percentile(gap.ours, 99)), '');
    row(
      `deltas/s, ${fmt(REASONING_DELTAS)} reasoning then ${fmt(REASONING_DELTAS)} text (best of ${RUNS})`,
      fmt(rate.direct),
      fmt(rate.ours),
      `${(rate.ours / rate.direct).toFixed(2)}×`,
      'target ≥ 150,000 deltas/s',
    );
    return { gap, rate };
  } finally {
    await chatwire.stop();
    await upstream.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMainThread && import.meta.url === `file://${process.argv[1]}`) await benchTools();
