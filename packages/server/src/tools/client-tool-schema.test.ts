import { describe, expect, it } from 'vitest';
import { clientSchema, compileClientSchema } from './client-tool-schema.js';

const schema = () => ({
  type: 'object',
  properties: { n: { type: 'integer', minimum: 0 } },
  required: ['n'],
});

describe('clientSchema', () => {
  it('reads a schema once: by object, and by its JSON when the same schema comes again (from storage)', () => {
    const declared = schema();
    const first = clientSchema(declared);
    expect(clientSchema(declared)).toBe(first);
    expect(clientSchema(JSON.parse(JSON.stringify(declared)))).toBe(first);
    expect(clientSchema({ ...declared, required: [] })).not.toBe(first);
    expect(first.safeParse({ n: 2 }).success).toBe(true);
    expect(first.safeParse({ n: -1 }).success).toBe(false);
  });

  it('keeps a bounded number of schemas by text, the least recently used going first', () => {
    const kept = clientSchema({ type: 'object', properties: { kept: { type: 'string' } } });
    const dropped = clientSchema({ type: 'object', properties: { dropped: { type: 'string' } } });
    for (let i = 0; i < 255; i += 1) {
      clientSchema({ type: 'object', properties: { [`f${i}`]: { type: 'number' } } });
      // Used again: stays the most recent.
      clientSchema({ type: 'object', properties: { kept: { type: 'string' } } });
    }
    expect(clientSchema({ type: 'object', properties: { kept: { type: 'string' } } })).toBe(kept);
    expect(clientSchema({ type: 'object', properties: { dropped: { type: 'string' } } })).not.toBe(dropped);
  });

  it('keeps ids out of zod’s global registry (they would pile up for the life of the process)', async () => {
    const z = await import('zod');
    // zod files a schema under its `id` (draft 4's `$id`), in a registry that holds it for good.
    compileClientSchema({ id: 'client-tool-id-test', type: 'object', properties: {} });
    expect(z.globalRegistry._idmap.has('client-tool-id-test')).toBe(false);
  });
});

describe('compileClientSchema', () => {
  it('leaves out the pattern keyword wherever a schema can be, and keeps data named pattern', () => {
    const compiled = compileClientSchema({
      type: 'object',
      properties: {
        a: { type: 'string', pattern: '^x$' },
        list: { type: 'array', items: { type: 'string', pattern: '^x$' } },
        tuple: { type: 'array', prefixItems: [{ type: 'string', pattern: '^x$' }] },
        either: { anyOf: [{ type: 'string', pattern: '^x$' }, { type: 'number' }] },
        ref: { $ref: '#/$defs/code' },
        pattern: { type: 'string', enum: ['pattern'] },
      },
      $defs: { code: { type: 'string', pattern: '^x$' } },
    });
    expect(
      compiled.safeParse({ a: 'y', list: ['y'], tuple: ['y'], either: 'y', ref: 'y', pattern: 'pattern' })
        .success,
    ).toBe(true);
    expect(compiled.safeParse({ pattern: 'other' }).success).toBe(false);
  });

  it('says when a pattern is no regular expression, without running any', () => {
    expect(() =>
      compileClientSchema({ type: 'object', properties: { a: { type: 'string', pattern: '(' } } }),
    ).toThrow(/Invalid regular expression/);
  });
});
