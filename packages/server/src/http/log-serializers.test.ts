import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { testSecret } from '../testing/start-server.js';
import { redactedUrl } from './log-serializers.js';

describe('the request log', () => {
  it('redacts the credentials of a URL and keeps the rest', () => {
    expect(redactedUrl('/v1/files/abc/content?expires=1796316300&signature=uCd10iXyZ')).toBe(
      '/v1/files/abc/content?expires=1796316300&signature=[redacted]',
    );
    expect(redactedUrl('/v1/x?a=1&X-Amz-Signature=deadbeef&b=2')).toBe(
      '/v1/x?a=1&X-Amz-Signature=[redacted]&b=2',
    );
    expect(redactedUrl('/v1/conversations?limit=20')).toBe('/v1/conversations?limit=20');
  });

  it('never writes a signed file URL’s signature', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chatwire-log-'));
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({ logger: { level: 'info', stream }, jwtSecret: testSecret, dataDir });
    try {
      const signature = 'c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ';
      const url = `/v1/files/0190f3c4-1d2e-7a3b-8c4d-5e6f7a8b9c0d/content?expires=4102444800&signature=${signature}`;
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      const log = lines.join('');
      expect(log).toContain('signature=[redacted]');
      expect(log).not.toContain(signature);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
