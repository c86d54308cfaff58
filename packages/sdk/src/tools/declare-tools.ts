/**
 * The declarations a send carries for the client's tools: name, description and the JSON Schema of
 * the input — the tool's `inputJsonSchema`, or the schema's own (Standard JSON Schema: classic
 * `zod` gives it).
 *
 * Why not zod's `toJSONSchema` for the schemas that do not describe themselves (`zod/mini`): it is
 * ~7 kB gzipped, and it cannot be split off by a dynamic `import()` — the contracts' `zod/mini`
 * reaches it through zod's barrel, so a bundler puts it in the main chunk (esbuild inlines a
 * dynamic import outright when it does not split). A `zod/mini` app passes
 * `inputJsonSchema: z.toJSONSchema(schema, { io: 'input' })` and pays for it only then.
 */
import { ChatwireError } from '../client/errors.js';
import type { ClientToolDeclaration } from '../contracts/inputs.js';
import type { ClientTool, ClientTools } from './client-tool.js';

/** The JSON Schema of a tool's input, for the model. */
function inputJsonSchema(name: string, tool: ClientTool): Record<string, unknown> {
  if (tool.inputJsonSchema) return tool.inputJsonSchema;
  const described = tool.inputSchema['~standard'].jsonSchema;
  if (described) return described.input({ target: 'draft-2020-12' });
  throw new ChatwireError(
    `The input schema of tool "${name}" has no JSON Schema of its own (a zod/mini schema?): give the tool inputJsonSchema, e.g. z.toJSONSchema(schema, { io: 'input' })`,
  );
}

/** What the server is told of `tools`. Throws a `ChatwireError` for a tool whose input has no JSON Schema. */
export function declareTools(tools: ClientTools): ClientToolDeclaration[] {
  return Object.entries(tools).map(([name, tool]) => ({
    name,
    description: tool.description,
    inputSchema: inputJsonSchema(name, tool),
  }));
}
