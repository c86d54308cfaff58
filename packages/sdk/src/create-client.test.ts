import { describe, expect, it } from 'vitest';
import { createClient } from './create-client.js';

describe('createClient', () => {
  it('insists on a baseUrl', () => {
    expect(() => createClient({} as never)).toThrow(/createClient needs a baseUrl/);
  });
});
