/**
 * The server's tools by name, each with the JSON Schema the model is shown, computed once.
 */
import * as z from 'zod';
import type { ToolSpec } from '../providers/provider.js';
import {
  checkToolDefinition,
  describeTool,
  type ToolDefinition,
  ToolDefinitionError,
} from './define-tool.js';

/** The server tools a reply may call. */
export interface ToolRegistry {
  /** How many tools there are. */
  readonly size: number;
  /** The tool of this name, if there is one. */
  get(name: string): ToolDefinition | undefined;
  /** Every tool's name, description and input JSON Schema, for a model request (a new array each call). */
  specs(): ToolSpec[];
}

/**
 * The JSON Schema of a tool's input, as the models' tool APIs take it: what the model may *send*
 * (`io: 'input'`: a field with a default is optional), draft 2020-12 (as OpenAPI generation uses),
 * without `$schema`. Throws when the schema has no JSON form (a `z.date()`, a custom check
 * with nothing to show) or is not an object: the APIs take named arguments.
 */
export function toolInputJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  let generated: Record<string, unknown>;
  try {
    generated = z.toJSONSchema(tool.input, { io: 'input', target: 'draft-2020-12' }) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new ToolDefinitionError(
      `${describeTool(tool)}: its input schema has no JSON Schema form for the model (${(error as Error).message}); use JSON types (strings for dates)`,
      { cause: error },
    );
  }
  const { $schema: _schema, ...schema } = generated;
  if (schema.type !== 'object')
    throw new ToolDefinitionError(
      `${describeTool(tool)}: input must be an object schema, e.g. z.object({ … }) — the models' tool APIs take named arguments`,
    );
  return schema;
}

/**
 * Registers the server's tools: refuses an unusable definition or two tools of one name (the
 * {@link ToolDefinitionError} names the tool), and computes each input's JSON Schema once.
 *
 * @example
 * ```ts
 * const tools = createToolRegistry([clock, calculator]);
 * tools.specs(); // [{ name: 'clock', description: '…', inputSchema: { type: 'object', … } }, …]
 * tools.get('clock')?.description;
 * ```
 */
export function createToolRegistry(tools: readonly ToolDefinition[] = []): ToolRegistry {
  const byName = new Map<string, ToolDefinition>();
  const specs: ToolSpec[] = [];
  for (const tool of tools) {
    checkToolDefinition(tool);
    if (byName.has(tool.name))
      throw new ToolDefinitionError(
        `${describeTool(tool)} is defined twice: each tool needs a name of its own`,
      );
    byName.set(tool.name, tool);
    specs.push(
      Object.freeze({
        name: tool.name,
        description: tool.description,
        inputSchema: toolInputJsonSchema(tool),
      }),
    );
  }
  return {
    size: byName.size,
    get: (name) => byName.get(name),
    specs: () => [...specs],
  };
}
