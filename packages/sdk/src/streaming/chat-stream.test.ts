import { describe, expect, it, vi } from 'vitest';
import {
  ChatwireError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  ProviderError,
} from '../client/errors.js';
import {
  errorResponse,
  type fakeFetch,
  hang,
  json,
  type Responder,
} from '../client/fake-fetch.test-support.js';
import type { ChatStreamEvent } from '../contracts/events.js';
import { fakeClient } from '../create-client.test-support.js';
import { frame, message, sseResponse, turn, turnEvents, upToDelta } from './sse-response.test-support.js';

const setup = (script: Parameters<typeof fakeFetch>[0]) =>
  fakeClient(script, { retry: { sleep: async () => {}, random: () => 0 } });

const base = `/v1/conversations/${turn.conversationId}/messages`;
const { conversationId, replyId } = turn;

async function collect(stream: AsyncIterable<ChatStreamEvent>) {
  const events: ChatStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const event of stream) events.push(event);
  } catch (caught) {
    error = caught;
  }
  return { events, types: events.map((event) => event.type), error };
}

describe('client.messages.stream', () => {
  it('yields the typed events in order and collects the text and the stored reply', async () => {
    const events = turnEvents(['Hel', 'lo ', 'wörld']);
    const { response } = sseResponse([': keep-alive\n\n', ...events.map(frame)]);
    const { client, requests } = setup([response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi', model: 'echo' });
    const seen = await collect(stream);
    expect(seen.error).toBeUndefined();
    expect(seen.events).toEqual(events);
    await expect(stream.text()).resolves.toBe('Hello wörld');
    await expect(stream.finalMessage()).resolves.toMatchObject({ id: replyId, content: 'Hello wörld' });
    expect(stream.messageId).toBe(replyId);
    expect(stream.parts).toEqual([{ type: 'step-start' }, { type: 'text', text: 'Hello wörld' }]);

    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(base);
    expect(request?.headers.get('accept')).toBe('text/event-stream');
    expect(request?.headers.get('authorization')).toBe('Bearer access-a');
    const body = JSON.parse(request?.body ?? '') as Record<string, string>;
    expect(body).toMatchObject({ content: 'Hi', model: 'echo' });
    expect(body.clientMessageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the caller’s clientMessageId, and the same one when the send is retried', async () => {
    const { response } = sseResponse(turnEvents(['ok']).map(frame));
    const { client, requests } = setup([errorResponse(503, 'unavailable'), response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi', clientMessageId: 'mine-1' });
    await expect(stream.text()).resolves.toBe('ok');
    expect(requests.map((request) => JSON.parse(request.body).clientMessageId)).toEqual(['mine-1', 'mine-1']);
  });

  it('works from the helpers alone, and the callbacks see every step', async () => {
    const { response } = sseResponse(turnEvents(['a', 'b']).map(frame));
    const { client } = setup([response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    const calls: string[] = [];
    stream.on('created', (created) => calls.push(`created:${created.role}`));
    stream.on('started', (started) => calls.push(`started:${started.messageId === replyId}`));
    stream.on('part', (part, index) => calls.push(`part:${index}:${part.type}`));
    stream.on('delta', (delta, content) => calls.push(`delta:${delta}:${content}`));
    stream.on('completed', (reply) => calls.push(`completed:${reply.content}`));
    const off = stream.on('event', (event) => calls.push(event.type));
    stream.on('delta', () => {
      off();
      throw new Error('a broken callback');
    });
    // A throwing callback is reported on its own (a microtask that throws), not into the stream.
    const reported: unknown[] = [];
    const report = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => {
      try {
        callback();
      } catch (error) {
        reported.push(error);
      }
    });
    try {
      await expect(stream.finalMessage()).resolves.toMatchObject({ content: 'ab' });
    } finally {
      report.mockRestore();
    }
    expect(calls).toEqual([
      'created:user',
      'message.created',
      'started:true',
      'message.started',
      'part:0:step-start',
      'message.part',
      'part:1:text',
      'message.part',
      'delta:a:a',
      'delta:b:ab',
      'completed:ab',
    ]);
    expect(reported).toEqual([new Error('a broken callback'), new Error('a broken callback')]);
  });

  it('an error event is yielded with the partial reply, then thrown as a ProviderError', async () => {
    const events: ChatStreamEvent[] = [
      ...upToDelta(turnEvents(['partial']), 1),
      { type: 'error', error: { code: 'provider_timeout', message: 'The model stopped answering' } },
      {
        type: 'message.completed',
        conversationId,
        message: message({ content: 'partial', status: 'error' }),
      },
    ];
    const { response } = sseResponse(events.map(frame));
    const { client } = setup([response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    const onError = vi.fn();
    stream.on('error', onError);
    const seen = await collect(stream);
    expect(seen.types).toEqual([
      'message.created',
      'message.started',
      'message.part',
      'message.part',
      'message.delta',
      'error',
      'message.completed',
    ]);
    expect(ProviderError.isInstance(seen.error)).toBe(true);
    expect(seen.error).toMatchObject({ code: 'provider_timeout', status: 504, requestId: 'req-stream' });
    await expect(stream.text()).rejects.toBe(seen.error);
    await expect(stream.finalMessage()).rejects.toBe(seen.error);
    expect(onError).toHaveBeenCalledExactlyOnceWith(seen.error);
    expect(stream.reply).toMatchObject({ status: 'error', content: 'partial' });
    expect(stream.content).toBe('partial');
  });

  it('a non-provider error event maps to its class', async () => {
    const { response } = sseResponse([
      frame({ type: 'error', error: { code: 'internal', message: 'Oops' } }),
    ]);
    const { client } = setup([response]);
    const error = await client.messages
      .stream(conversationId, { content: 'Hi' })
      .text()
      .catch((e) => e);
    expect(InternalServerError.isInstance(error)).toBe(true);
    expect(ProviderError.isInstance(error)).toBe(false);
  });

  it('a malformed event fails the stream and cancels the body', async () => {
    const good = turnEvents(['a']).slice(0, 2).map(frame);
    const bad = `event: message.delta\ndata: ${JSON.stringify({ type: 'message.delta', conversationId, messageId: replyId, offset: 0, delta: 'x' })}\n\n`;
    const { response, state } = sseResponse([...good, bad, frame(turnEvents(['a'])[2]!)], 'hang');
    const { client } = setup([response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    const seen = await collect(stream);
    expect(seen.types).toEqual(['message.created', 'message.started']);
    expect(ChatwireError.isInstance(seen.error)).toBe(true);
    expect(String(seen.error)).toContain('Unreadable stream event');
    expect(state.cancelled).toBe(true);
  });

  it('a connection that drops before message.completed is a ConnectionError naming the resume position', async () => {
    const { response } = sseResponse(upToDelta(turnEvents(['abc', 'def']), 1).map(frame), 'error');
    const { client } = setup([response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    const seen = await collect(stream);
    expect(ConnectionError.isInstance(seen.error)).toBe(true);
    expect(String(seen.error)).toContain(`resume("${replyId}", { part: 1, offset: 3 })`);
    expect(stream.content).toBe('abc');
    expect(stream.parts).toEqual([{ type: 'step-start' }, { type: 'text', text: 'abc' }]);
  });

  it('a body that ends cleanly before message.completed is a ConnectionError too', async () => {
    const { response } = sseResponse(turnEvents(['abc']).slice(0, 2).map(frame), 'close');
    const { client } = setup([response]);
    await expect(client.messages.stream(conversationId, { content: 'Hi' }).text()).rejects.toThrow(
      ConnectionError,
    );
  });

  it('an error answer fails the stream with its class', async () => {
    const { client } = setup([errorResponse(404, 'not_found', 'No such conversation')]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    const onError = vi.fn();
    stream.on('error', onError);
    const seen = await collect(stream);
    expect(NotFoundError.isInstance(seen.error)).toBe(true);
    await expect(stream.finalMessage()).rejects.toBe(seen.error);
    expect(onError).toHaveBeenCalledOnce();
  });

  it('breaking out of the loop cancels the body and does not stop the reply', async () => {
    const { response, state } = sseResponse(upToDelta(turnEvents(['a', 'b', 'c']), 2).map(frame), 'hang');
    let signal: AbortSignal | undefined;
    const { client, requests } = setup([
      (request) => {
        signal = request.signal;
        return response;
      },
    ]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    for await (const event of stream) {
      if (event.type === 'message.delta') break;
    }
    expect(signal?.aborted).toBe(true);
    await expect(stream.text()).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.cancelled || signal?.aborted).toBe(true);
    expect(requests).toHaveLength(1); // no stop call: a disconnect leaves the reply to the grace period
  });

  it('can be iterated once', async () => {
    const { response } = sseResponse(turnEvents(['a']).map(frame));
    const { client } = setup([response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    await collect(stream);
    const again = await collect(stream);
    expect(String(again.error)).toContain('iterated once');
  });
});

describe('ChatStream.abort', () => {
  /** A stream that stalls after `deltas`, and a stop route answering the reply as aborted. */
  function stalled(deltas: string[]) {
    const { response, state } = sseResponse(upToDelta(turnEvents(deltas), deltas.length).map(frame), 'hang');
    let streamSignal: AbortSignal | undefined;
    const stored = message({ content: deltas.join(''), status: 'aborted' });
    const responder: Responder = (request) => {
      if (request.path.endsWith('/stop')) return json(200, stored);
      streamSignal = request.signal;
      return response;
    };
    return { responder, state, stored, signal: () => streamSignal };
  }

  it('stops the reply on the server, cancels the fetch, and ends with the reply as stored', async () => {
    const fake = stalled(['Once ', 'upon']);
    const { client, requests } = setup(fake.responder);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    const events: ChatStreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (event.type === 'message.delta' && event.delta === 'upon') void stream.abort();
    }
    expect(events.map((event) => event.type)).toEqual([
      'message.created',
      'message.started',
      'message.part',
      'message.part',
      'message.delta',
      'message.delta',
      'message.completed',
    ]);
    expect(events.at(-1)).toMatchObject({ message: { status: 'aborted', content: 'Once upon' } });
    expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST ${base}`,
      `POST ${base}/${replyId}/stop`,
    ]);
    expect(fake.signal()?.aborted).toBe(true);
    await expect(stream.finalMessage()).resolves.toEqual(fake.stored);
    await expect(stream.text()).resolves.toBe('Once upon');
  });

  it('through the caller’s signal too', async () => {
    const fake = stalled(['x']);
    const { client, requests } = setup(fake.responder);
    const controller = new AbortController();
    const stream = client.messages.stream(conversationId, { content: 'Hi', signal: controller.signal });
    stream.on('delta', () => controller.abort());
    await expect(stream.finalMessage()).resolves.toMatchObject({ status: 'aborted' });
    expect(requests.at(-1)?.path).toBe(`${base}/${replyId}/stop`);
  });

  it('before the answer: cancels the request, and the helpers reject with an AbortError', async () => {
    const { client, requests } = setup([hang]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    const onError = vi.fn();
    stream.on('error', onError);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await stream.abort();
    await expect(stream.text()).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.signal.aborted).toBe(true);
    expect(onError).not.toHaveBeenCalled();
  });

  it('after the end changes nothing', async () => {
    const { response } = sseResponse(turnEvents(['done']).map(frame));
    const { client, requests } = setup([response]);
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    await stream.finalMessage();
    await stream.abort();
    await expect(stream.finalMessage()).resolves.toMatchObject({ status: 'complete' });
    expect(requests).toHaveLength(1);
  });

  it('still ends the stream when the stop call fails', async () => {
    const { response } = sseResponse(upToDelta(turnEvents(['x']), 1).map(frame), 'hang');
    const { client } = setup((request) =>
      request.path.endsWith('/stop') ? errorResponse(404, 'not_found') : response,
    );
    const stream = client.messages.stream(conversationId, { content: 'Hi' });
    stream.on('delta', () => void stream.abort());
    await expect(stream.text()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('client.messages.resume', () => {
  const started: ChatStreamEvent = {
    type: 'message.started',
    conversationId,
    messageId: replyId,
    model: 'echo',
  };
  const delta = (part: number, offset: number, text: string): ChatStreamEvent => ({
    type: 'message.delta',
    conversationId,
    messageId: replyId,
    part,
    offset,
    delta: text,
  });
  const whole = message({
    parts: [{ type: 'step-start' }, { type: 'text', text: 'Hello world!' }],
    content: 'Hello world!',
  });

  it('goes on from the parts it is given, dropping text it was sent twice', async () => {
    const events: ChatStreamEvent[] = [
      started,
      delta(1, 5, ' world'),
      delta(1, 8, 'rld!'),
      delta(1, 5, ' wor'),
      { type: 'message.completed', conversationId, message: whole },
    ];
    const { response } = sseResponse(events.map(frame));
    const { client, requests } = setup([response]);
    const stream = client.messages.resume(conversationId, replyId, {
      parts: [{ type: 'step-start' }, { type: 'text', text: 'Hello' }],
    });
    const deltas: ChatStreamEvent[] = [];
    stream.on('event', (event) => event.type === 'message.delta' && deltas.push(event));
    const contents: string[] = [];
    stream.on('delta', (_delta, content) => contents.push(content));
    await expect(stream.text()).resolves.toBe('Hello world!');
    expect(deltas).toEqual([delta(1, 5, ' world'), delta(1, 11, '!')]);
    expect(contents).toEqual(['Hello world', 'Hello world!']);
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.path).toBe(`${base}/${replyId}/stream?part=1&offset=5`);
    expect(requests[0]?.headers.get('accept')).toBe('text/event-stream');
  });

  it('from a bare position: the deltas of the part there are cut to what is new', async () => {
    const events: ChatStreamEvent[] = [
      started,
      delta(1, 3, 'lo world'),
      delta(1, 5, ' world!'),
      { type: 'message.completed', conversationId, message: whole },
    ];
    const { client, requests } = setup([sseResponse(events.map(frame)).response]);
    const stream = client.messages.resume(conversationId, replyId, { part: 1, offset: 3 });
    const seen: string[] = [];
    stream.on(
      'event',
      (event) => event.type === 'message.delta' && seen.push(`${event.offset}:${event.delta}`),
    );
    await expect(stream.finalMessage()).resolves.toEqual(whole);
    expect(seen).toEqual(['3:lo world', '11:!']);
    expect(requests[0]?.path).toBe(`${base}/${replyId}/stream?part=1&offset=3`);
    // Once ended, the stream has the reply as stored.
    expect(stream.parts).toEqual(whole.parts);
  });

  it('from a bare position, later parts leave holes before them: the text is that of the parts it has', async () => {
    const events: ChatStreamEvent[] = [
      started,
      delta(1, 3, 'lo'),
      {
        type: 'message.part',
        conversationId,
        messageId: replyId,
        index: 2,
        part: { type: 'text', text: '' },
      },
      delta(2, 0, 'More'),
      { type: 'message.completed', conversationId, message: whole },
    ];
    const { client } = setup([sseResponse(events.map(frame)).response]);
    const stream = client.messages.resume(conversationId, replyId, { part: 1, offset: 3 });
    const contents: string[] = [];
    stream.on('delta', (_delta, content) => contents.push(content));
    await expect(stream.finalMessage()).resolves.toEqual(whole);
    expect(contents).toEqual(['More']);
  });

  it('a gap in the offsets fails the stream, naming where to resume', async () => {
    const events: ChatStreamEvent[] = [started, { ...turnEvents([])[3]! }, delta(1, 3, 'lost')];
    const { client } = setup([sseResponse(events.map(frame)).response]);
    await expect(client.messages.resume(conversationId, replyId).text()).rejects.toThrow(
      'gap in part 1 at offset 0: resume({ part: 1, offset: 0 })',
    );
  });

  it('a delta for a part it never had is a gap too', async () => {
    const { client } = setup([sseResponse([started, delta(4, 0, 'x')].map(frame)).response]);
    await expect(client.messages.resume(conversationId, replyId).text()).rejects.toThrow('gap in part 4');
  });
});

describe('client.messages.regenerate', () => {
  it('answers the new reply as JSON', async () => {
    const { client, requests } = setup([json(200, { reply: message({ content: 'again' }) })]);
    await expect(
      client.messages.regenerate(conversationId, replyId, { model: 'smart' }),
    ).resolves.toMatchObject({
      reply: { content: 'again' },
    });
    expect(requests[0]?.path).toBe(`${base}/${replyId}/regenerate`);
    expect(requests[0]?.headers.get('accept')).toBe('application/json');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ model: 'smart' });
  });

  it('regenerateStream streams the new reply', async () => {
    const { response } = sseResponse(turnEvents(['new']).slice(1).map(frame));
    const { client, requests } = setup([response]);
    const stream = client.messages.regenerateStream(conversationId, replyId);
    await expect(stream.finalMessage()).resolves.toMatchObject({ id: replyId, content: 'new' });
    expect(requests[0]?.path).toBe(`${base}/${replyId}/regenerate`);
    expect(requests[0]?.headers.get('accept')).toBe('text/event-stream');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({});
  });
});
