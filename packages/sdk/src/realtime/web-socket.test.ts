import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultWebSocketFactory, realtimeUrl, type WebSocketLike } from './web-socket.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('realtimeUrl', () => {
  it('maps http→ws and https→wss, keeping a base path', () => {
    expect(realtimeUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/v1/realtime');
    expect(realtimeUrl('https://chat.example.com/api/')).toBe('wss://chat.example.com/api/v1/realtime');
    expect(realtimeUrl('wss://chat.example.com')).toBe('wss://chat.example.com/v1/realtime');
  });

  it('resolves a relative baseUrl against the page', () => {
    expect(realtimeUrl('/api', 'https://app.example.com/chat/42')).toBe(
      'wss://app.example.com/api/v1/realtime',
    );
  });
});

class StubSocket {
  constructor(
    readonly url: string,
    readonly options?: unknown,
  ) {}
}

describe('defaultWebSocketFactory', () => {
  it('uses the global WebSocket when there is one, without loading ws', async () => {
    vi.stubGlobal('WebSocket', StubSocket);
    const loadWs = vi.fn();
    const socket = (await defaultWebSocketFactory(loadWs)('ws://x/v1/realtime')) as unknown as StubSocket;
    expect(socket).toBeInstanceOf(StubSocket);
    expect(socket.options).toBeUndefined();
    expect(loadWs).not.toHaveBeenCalled();
  });

  it('loads ws once where there is no global WebSocket, with compression off', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const loadWs = vi.fn(async () => ({ WebSocket: StubSocket as unknown as new () => WebSocketLike }));
    const factory = defaultWebSocketFactory(loadWs);
    const first = (await factory('ws://x/v1/realtime')) as unknown as StubSocket;
    await factory('ws://x/v1/realtime');
    expect(first.options).toEqual({ perMessageDeflate: false });
    expect(loadWs).toHaveBeenCalledTimes(1);
  });

  it('says to install ws when it cannot be loaded', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const factory = defaultWebSocketFactory(async () => {
      throw new Error("Cannot find package 'ws'");
    });
    await expect(factory('ws://x/v1/realtime')).rejects.toThrow(/install the `ws` package/);
  });
});
