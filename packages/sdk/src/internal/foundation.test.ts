import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmitter, newClientMessageId } from './foundation.js';

type Events = { count: (n: number) => void; done: () => void };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createEmitter', () => {
  it('calls each listener once, even if added twice, until it is removed', () => {
    const emitter = createEmitter<Events>();
    const seen: number[] = [];
    const listener = (n: number) => seen.push(n);
    const off = emitter.on('count', listener);
    emitter.on('count', listener);
    emitter.emit('count', 1);
    off();
    emitter.emit('count', 2);
    expect(seen).toEqual([1]);
  });

  it('lets a listener remove itself while emitting, and isolates a throwing one', () => {
    const emitter = createEmitter<Events>();
    const calls: string[] = [];
    const reported: Array<() => void> = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => reported.push(callback));
    const off = emitter.on('done', () => {
      calls.push('a');
      off();
    });
    emitter.on('done', () => {
      throw new Error('listener bug');
    });
    emitter.on('done', () => calls.push('c'));
    emitter.emit('done');
    emitter.emit('done');
    expect(calls).toEqual(['a', 'c', 'c']);
    // Reported apart (rethrown in a microtask), not swallowed.
    expect(reported).toHaveLength(2);
    expect(reported[0]).toThrow('listener bug');
  });
});

describe('newClientMessageId', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('makes UUIDv4s, also where crypto.randomUUID is missing (plain-HTTP pages)', () => {
    expect(newClientMessageId()).toMatch(uuid);
    const original = crypto.randomUUID;
    try {
      Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true, writable: true });
      const made = new Set(Array.from({ length: 50 }, () => newClientMessageId()));
      expect(made.size).toBe(50);
      for (const id of made) expect(id).toMatch(uuid);
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: original, configurable: true, writable: true });
    }
  });
});
