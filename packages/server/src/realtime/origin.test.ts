import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin.js';

describe('originAllowed', () => {
  it('lets in non-browser clients, listed origins and the server’s own origin', () => {
    expect(originAllowed(undefined, [])).toBe(true);
    expect(originAllowed('https://app.example', ['https://app.example'])).toBe(true);
    expect(originAllowed('https://any.example', ['*'])).toBe(true);
    expect(originAllowed('https://chat.example', [], 'chat.example')).toBe(true);
    expect(originAllowed('http://127.0.0.1:8787', [], '127.0.0.1:8787')).toBe(true);
  });

  it('refuses other sites', () => {
    expect(originAllowed('https://evil.example', ['https://app.example'], 'chat.example')).toBe(false);
    expect(originAllowed('https://chat.example.evil', [], 'chat.example')).toBe(false);
    expect(originAllowed('null', [], 'chat.example')).toBe(false);
  });
});
