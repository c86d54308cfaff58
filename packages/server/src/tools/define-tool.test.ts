import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import * as zm from 'zod/mini';
import {
  defineTool,
  isToolDefinition,
  type ToolContext,
  type ToolDefinition,
  ToolDefinitionError,
} from './define-tool.js';

const weather = defineTool({
  name: 'weather',
  description: 'The weather in a city',
  input: z.object({ city: z.string(), days: z.number().int().default(1) }),
  execute: ({ city, days }) => ({ city, days, sky: 'clear' }),
});

describe('defineTool', () => {
  it('types execute by the schema’s output, and counts as a tool of any input', () => {
    defineTool({
      name: 'typed',
      description: '',
      input: z.object({ city: z.string(), days: z.number().default(1) }),
      execute(input, context) {
        expectTypeOf(input).toEqualTypeOf<{ city: string; days: number }>();
        expectTypeOf(context).toEqualTypeOf<ToolContext>();
        return null;
      },
      needsApproval: (input) => {
        expectTypeOf(input).toEqualTypeOf<{ city: string; days: number }>();
        return input.days > 3;
      },
    });
    expectTypeOf(weather).toExtend<ToolDefinition>();
    const tools: readonly ToolDefinition[] = [weather];
    expect(tools).toHaveLength(1);
  });

  it('takes zod/mini schemas too', () => {
    const tool = defineTool({
      name: 'mini',
      description: 'A zod/mini schema',
      input: zm.object({ n: zm.number() }),
      execute: ({ n }) => n * 2,
    });
    expectTypeOf(tool).toExtend<ToolDefinition<{ n: number }, number>>();
    expect(isToolDefinition(tool)).toBe(true);
  });

  it('marks its results, recognised through Symbol.for (other copies of the package) and kept out of their fields', () => {
    expect(isToolDefinition(weather)).toBe(true);
    expect((weather as unknown as Record<symbol, unknown>)[Symbol.for('chatwire.tool')]).toBe(true);
    expect(Object.keys(weather).sort()).toEqual(['description', 'execute', 'input', 'name']);
    expect(Object.isFrozen(weather)).toBe(true);
    expect(isToolDefinition({ ...weather })).toBe(false);
    for (const value of [null, undefined, 'weather', () => {}, {}])
      expect(isToolDefinition(value)).toBe(false);
  });

  it('refuses an unusable definition, naming the tool and what to fix', () => {
    const base = { description: 'd', input: z.object({}), execute: () => null };
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { ...base, name: 'has space' },
        /^Tool "has space": a name is letters, digits, _ and -, at most 64 characters/,
      ],
      [{ ...base, name: 'x'.repeat(65) }, /at most 64 characters/],
      [{ ...base, name: '' }, /^A tool without a name: a name is/],
      [{ ...base, name: 'ok', input: { type: 'object' } }, /^Tool "ok": input must be a zod 4 schema/],
      [{ ...base, name: 'ok', execute: 'run' }, /^Tool "ok": execute must be a function/],
      [{ ...base, name: 'ok', description: 3 }, /^Tool "ok": description must be a string/],
      [
        { ...base, name: 'ok', needsApproval: 'yes' },
        /^Tool "ok": needsApproval must be a boolean or a function/,
      ],
      [{ ...base, name: 'ok', timeoutMs: 0 }, /^Tool "ok": timeoutMs must be a whole number/],
      [{ ...base, name: 'ok', timeoutMs: 1.5 }, /timeoutMs/],
    ];
    for (const [definition, message] of cases) {
      let error: unknown;
      try {
        defineTool(definition as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ToolDefinitionError);
      expect(ToolDefinitionError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('accepts every name the contract’s ToolName does', () => {
    for (const name of ['a', 'get_weather', 'search-v2', 'X'.repeat(64), '0']) {
      expect(defineTool({ name, description: '', input: z.object({}), execute: () => 1 }).name).toBe(name);
    }
  });
});
