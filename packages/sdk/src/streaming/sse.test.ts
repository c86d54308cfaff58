import { describe, expect, it } from 'vitest';
import { readEventStream } from './sse.js';
import { sseResponse } from './sse-response.test-support.js';

const encoder = new TextEncoder();

async function read(writes: Array<string | Uint8Array>, ending: 'close' | 'error' = 'close') {
  const { response } = sseResponse(writes, ending);
  const data: string[] = [];
  await readEventStream(response.body!, (value) => data.push(value), new AbortController().signal);
  return data;
}

describe('readEventStream', () => {
  it('reads every event whatever byte the chunks are split at, multi-byte characters too', async () => {
    const payloads = ['{"text":"héllo"}', '{"text":"😀 ok"}', '{"text":"日本語"}'];
    const bytes = encoder.encode(
      `: keep-alive\n\n${payloads.map((data, n) => `event: e${n}\ndata: ${data}\n\n`).join('')}`,
    );
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const data = await read([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(data, `split at byte ${cut}`).toEqual(payloads);
    }
    // And one byte per read.
    expect(await read(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(payloads);
  });

  it('ignores comment heartbeats, accepts CRLF line ends, drops an unfinished last event', async () => {
    const data = await read([
      ': keep-alive\r\n\r\n',
      'data: one\r\n\r\n',
      ': ping\n\n',
      'data: two\n\n',
      'data: cut',
    ]);
    expect(data).toEqual(['one', 'two']);
  });

  it('rejects with the body error when the connection fails', async () => {
    await expect(read(['data: one\n\n'], 'error')).rejects.toThrow('terminated');
  });

  it('stops and cancels the body when the callback throws', async () => {
    const { response, state } = sseResponse(['data: one\n\n', 'data: two\n\n'], 'close');
    const seen: string[] = [];
    const reading = readEventStream(
      response.body!,
      (value) => {
        seen.push(value);
        throw new Error('bad event');
      },
      new AbortController().signal,
    );
    await expect(reading).rejects.toThrow('bad event');
    expect(seen).toEqual(['one']);
    expect(state.cancelled).toBe(true);
  });
});

it('resolves early, the body cancelled, when the signal aborts', async () => {
  const { response, state } = sseResponse(['data: one\n\n'], 'hang');
  const controller = new AbortController();
  const seen: string[] = [];
  const reading = readEventStream(
    response.body!,
    (value) => {
      seen.push(value);
      controller.abort();
    },
    controller.signal,
  );
  await expect(reading).resolves.toBeUndefined();
  expect(seen).toEqual(['one']);
  expect(state.cancelled).toBe(true);
});
