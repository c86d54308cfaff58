import { ServerFrame } from '@chatwire/sdk/contracts';
import { describe, expect, it } from 'vitest';
import { encodeEventFrame, eventFrame, parseClientFrame } from './frames.js';

describe('frames', () => {
  it('builds an event frame byte-identical to JSON.stringify of the whole frame', () => {
    const event = { type: 'presence' as const, userId: '0190a0c0-0000-7000-8000-000000000001', online: true };
    const frame = eventFrame(1_700_000_000_000_001, JSON.stringify(event));
    expect(frame).toBe(JSON.stringify({ type: 'event', seq: 1_700_000_000_000_001, event }));
    expect(ServerFrame.safeParse(JSON.parse(frame)).success).toBe(true);
  });

  it('encodes an event frame once, as UTF-8 bytes ready for every socket', () => {
    const event = { type: 'presence' as const, userId: '0190a0c0-0000-7000-8000-000000000001', online: true };
    const frame = encodeEventFrame(42, event);
    expect(frame.payload.toString('utf8')).toBe(JSON.stringify({ type: 'event', seq: 42, event }));
  });

  it('parses valid frames and explains invalid ones', () => {
    expect(parseClientFrame('{"type":"ping"}')).toEqual({ ok: true, frame: { type: 'ping' } });
    expect(parseClientFrame('nope')).toMatchObject({ ok: false, code: 'bad_request' });
    expect(parseClientFrame('{"type":"typing","conversationId":"x","state":"start"}')).toMatchObject({
      ok: false,
      code: 'validation_failed',
    });
    expect(parseClientFrame('{"type":"auth","token":1,"clientMessageId":"r"}')).toMatchObject({ ref: 'r' });
  });
});
