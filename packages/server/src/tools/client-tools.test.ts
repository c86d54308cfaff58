import type { ClientToolDeclaration } from '@chatwire/sdk/contracts';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Invalid } from '../services/errors.js';
import { checkClientTools, clientToolSpec, validateClientInput } from './client-tools.js';
import { defineTool } from './define-tool.js';
import { createToolRegistry } from './tool-registry.js';

const timeZone: ClientToolDeclaration = {
  name: 'browser_time_zone',
  description: 'The time zone the user’s browser is set to',
  inputSchema: { type: 'object', properties: {} },
};

const pickFile: ClientToolDeclaration = {
  name: 'pick_file',
  description: 'Asks the user to pick a file',
  inputSchema: {
    type: 'object',
    properties: {
      accept: { type: 'array', items: { type: 'string' }, maxItems: 5 },
      prompt: { type: 'string', minLength: 1 },
      kind: { enum: ['image', 'text'] },
    },
    required: ['prompt'],
    additionalProperties: false,
  },
};

function refusal(declarations: ClientToolDeclaration[], limits?: Parameters<typeof checkClientTools>[1]) {
  try {
    checkClientTools(declarations, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(Invalid);
    return error as Invalid;
  }
  throw new Error('accepted');
}

describe('checkClientTools', () => {
  it('accepts readable object schemas within the limit', () => {
    expect(() => checkClientTools([timeZone, pickFile])).not.toThrow();
    expect(() => checkClientTools([])).not.toThrow();
  });

  it('refuses a schema nested too deeply to be written back (a body of [[[…]]]), at its path', () => {
    const deep = JSON.parse(`{"type":"object","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    const error = refusal([timeZone, { ...timeZone, name: 'deep', inputSchema: deep }]);
    expect(error.fields).toEqual([
      { path: ['tools', 1, 'inputSchema'], message: 'The input schema of "deep" is nested too deeply' },
    ]);
  });

  it('refuses a schema over the size limit (8 KiB of JSON by default), at its path', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 400 }, (_, i) => [`field${i}`, { type: 'string' }]),
    );
    const big = { ...timeZone, name: 'big', inputSchema: { type: 'object', properties } };
    const bytes = Buffer.byteLength(JSON.stringify(big.inputSchema));
    expect(bytes).toBeGreaterThan(8 * 1024);
    const error = refusal([timeZone, big]);
    expect(error.code).toBe('validation_failed');
    expect(error.fields).toEqual([
      {
        path: ['tools', 1, 'inputSchema'],
        message: `The input schema of "big" is ${bytes} bytes of JSON, over the limit of 8192`,
      },
    ]);
    expect(error.message).toBe(error.fields[0]?.message);
    expect(refusal([pickFile], { maxSchemaBytes: 64 }).fields[0]?.path).toEqual(['tools', 0, 'inputSchema']);
  });

  it('refuses a schema zod cannot read, or that is not an object schema', () => {
    const schemas: [Record<string, unknown>, RegExp][] = [
      [{ type: 'object', properties: { a: { type: 'nope' } } }, /Unsupported type: nope/],
      [{ type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } }, /External \$ref/],
      [{ type: 'object', properties: { a: { not: { type: 'string' } } } }, /not is not supported/],
      [{ type: 'object', properties: { a: { type: 'string', pattern: '(' } } }, /Invalid regular expression/],
      [{ type: 'string' }, /must be an object schema/],
      [{ properties: {} }, /must be an object schema/],
      [
        { type: 'object', patternProperties: { '^x': { type: 'string' } } },
        /patternProperties is not accepted/,
      ],
    ];
    for (const [inputSchema, reason] of schemas) {
      const error = refusal([{ ...timeZone, inputSchema }]);
      expect(error.fields).toHaveLength(1);
      expect(error.fields[0]?.path).toEqual(['tools', 0, 'inputSchema']);
      expect(error.fields[0]?.message).toMatch(
        /^The input schema of "browser_time_zone" is not a JSON Schema the server can read: /,
      );
      expect(error.fields[0]?.message).toMatch(reason);
    }
  });

  it('refuses a name a server tool has, or one declared twice; every problem at once', () => {
    const serverTools = createToolRegistry([
      defineTool({ name: 'clock', description: '', input: z.object({}), execute: () => 0 }),
    ]);
    const error = refusal(
      [{ ...timeZone, name: 'clock' }, pickFile, pickFile, { ...timeZone, inputSchema: { type: 'array' } }],
      { serverTools },
    );
    expect(error.message).toBe('3 problems with the client tools');
    expect(error.fields).toEqual([
      { path: ['tools', 0, 'name'], message: '"clock" is the name of a server tool: name it differently' },
      { path: ['tools', 2, 'name'], message: '"pick_file" is declared twice' },
      { path: ['tools', 3, 'inputSchema'], message: expect.stringMatching(/must be an object schema/) },
    ]);
  });
});

describe('clientToolSpec', () => {
  it('shows the model the declaration as it came', () => {
    expect(clientToolSpec(pickFile)).toEqual({
      name: 'pick_file',
      description: 'Asks the user to pick a file',
      inputSchema: pickFile.inputSchema,
    });
  });
});

describe('validateClientInput', () => {
  it('is null for input that fits, else the problems as text for the model', () => {
    expect(validateClientInput(pickFile, { prompt: 'Your CV', accept: ['.pdf'], kind: 'text' })).toBeNull();
    expect(validateClientInput(timeZone, {})).toBeNull();
    const problems = validateClientInput(pickFile, { accept: 'pdf', kind: 'video', extra: 1 });
    expect(problems).toMatch(/^Invalid input for tool "pick_file"; call it again with:\n/);
    for (const field of ['prompt', 'accept', 'kind']) expect(problems).toContain(`- ${field}: `);
    expect(problems).toMatch(/extra/);
  });

  it('never runs a client’s regular expression on the server (the client checks it)', () => {
    const declaration = {
      ...timeZone,
      name: 'redos',
      inputSchema: {
        type: 'object',
        properties: {
          word: { type: 'string', pattern: '^(a+)+$', maxLength: 100 },
          // A property *named* pattern is kept: only the keyword goes.
          pattern: { type: 'string' },
        },
        required: ['word', 'pattern'],
      },
    };
    checkClientTools([declaration]);
    const started = performance.now();
    expect(validateClientInput(declaration, { word: `${'a'.repeat(40)}!`, pattern: 'x' })).toBeNull();
    expect(performance.now() - started).toBeLessThan(100);
    expect(validateClientInput(declaration, { word: 'a' })).toMatch(/- pattern: /);
    expect(validateClientInput(declaration, { word: 'a'.repeat(101), pattern: 'x' })).toMatch(/- word: /);
  });
});
