import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import * as zm from 'zod/mini';
import { defineTool, type ToolDefinition, ToolDefinitionError } from './define-tool.js';
import { createToolRegistry } from './tool-registry.js';

const tool = (name: string, input: Parameters<typeof defineTool>[0]['input'] = z.object({})) =>
  defineTool({ name, description: `The ${name} tool`, input, execute: () => name });

function refusal(tools: ToolDefinition[]): string {
  try {
    createToolRegistry(tools);
  } catch (error) {
    expect(error).toBeInstanceOf(ToolDefinitionError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('createToolRegistry', () => {
  it('finds tools by name and counts them', () => {
    const clock = tool('clock');
    const registry = createToolRegistry([clock, tool('calculator')]);
    expect(registry.size).toBe(2);
    expect(registry.get('clock')).toBe(clock);
    expect(registry.get('nope')).toBeUndefined();
    expect(createToolRegistry().size).toBe(0);
    expect(createToolRegistry([]).specs()).toEqual([]);
  });

  it('gives the model each input as draft 2020-12 JSON Schema of what it may send', () => {
    const registry = createToolRegistry([
      tool(
        'search',
        z.object({
          query: z.string().min(1).describe('What to look for'),
          limit: z.number().int().max(50).default(10),
          since: z
            .string()
            .transform((value) => new Date(value))
            .optional(),
          kind: z.enum(['web', 'news']),
        }),
      ),
      tool('mini', zm.object({ n: zm.optional(zm.number()) })),
    ]);
    const [search, mini] = registry.specs();
    expect(search).toEqual({
      name: 'search',
      description: 'The search tool',
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', minLength: 1, description: 'What to look for' },
          limit: { type: 'integer', maximum: 50, default: 10, minimum: expect.any(Number) },
          since: { type: 'string' },
          kind: { type: 'string', enum: ['web', 'news'] },
        },
        // A field with a default, or optional, is not required of the model.
        required: ['query', 'kind'],
      },
    });
    expect(search?.inputSchema).not.toHaveProperty('$schema');
    expect(mini?.inputSchema).toEqual({ type: 'object', properties: { n: { type: 'number' } } });
  });

  it('computes the JSON Schema once, and hands out a new array each time', () => {
    const registry = createToolRegistry([tool('a'), tool('b')]);
    const first = registry.specs();
    const second = registry.specs();
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]);
    first.pop();
    expect(registry.specs()).toHaveLength(2);
  });

  it('refuses two tools of one name', () => {
    expect(refusal([tool('clock'), tool('calculator'), tool('clock')])).toBe(
      'Tool "clock" is defined twice: each tool needs a name of its own',
    );
  });

  it('refuses a definition written by hand with a bad name', () => {
    const handmade = { name: 'no spaces please', description: '', input: z.object({}), execute: () => 1 };
    expect(refusal([handmade])).toMatch(/^Tool "no spaces please": a name is letters, digits/);
  });

  it('refuses an input the models cannot be shown: not an object, or no JSON form', () => {
    expect(refusal([tool('text', z.string())])).toMatch(
      /^Tool "text": input must be an object schema, e.g. z.object\(\{ … \}\)/,
    );
    expect(refusal([tool('when', z.object({ at: z.date() }))])).toMatch(
      /^Tool "when": its input schema has no JSON Schema form for the model \(Date cannot be represented/,
    );
  });
});
