/**
 * Tools a client declares with a send and runs itself (the browser's time zone, a file on the
 * user's disk): checked when the send arrives, shown to the model, and the model's input for them
 * validated before the reply waits for the client.
 */
import type { ClientToolDeclaration } from '@chatwire/sdk/contracts';
import type { ToolSpec } from '../providers/provider.js';
import { type FieldProblem, Invalid } from '../services/errors.js';
import { jsonHasNul } from '../store/storable-text.js';
import { clientSchema } from './client-tool-schema.js';
import { describeIssues } from './run-tool.js';

export interface ClientToolLimits {
  /** Largest input schema of one declaration, bytes of JSON (the server's `limits.clientToolSchemaBytes`). Default 8 KiB. */
  maxSchemaBytes?: number;
  /** The server's own tools: a client tool may not take one of their names. */
  serverTools?: { get(name: string): unknown };
}

/** The default of {@link ClientToolLimits.maxSchemaBytes}. */
export const defaultClientToolSchemaBytes = 8 * 1024;

/**
 * Checks the tools a send declares (the contract has checked their shape): each input schema at
 * most `maxSchemaBytes` of JSON and one zod can read (an object schema; no `not`, `if`, external
 * `$ref`, `patternProperties`), and each name neither a server tool's nor declared twice.
 * Throws {@link Invalid} with every problem at its path (`['tools', i, 'inputSchema']`, `['tools', i, 'name']`).
 *
 * @example
 * ```ts
 * checkClientTools(input.tools ?? [], { maxSchemaBytes: options.limits.clientToolSchemaBytes, serverTools: tools });
 * ```
 */
export function checkClientTools(
  declarations: readonly ClientToolDeclaration[],
  limits: ClientToolLimits = {},
): void {
  const maxBytes = limits.maxSchemaBytes ?? defaultClientToolSchemaBytes;
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  declarations.forEach((declaration, i) => {
    const name = JSON.stringify(declaration.name);
    if (limits.serverTools?.get(declaration.name) !== undefined)
      problems.push({
        path: ['tools', i, 'name'],
        message: `${name} is the name of a server tool: name it differently`,
      });
    else if (seen.has(declaration.name))
      problems.push({ path: ['tools', i, 'name'], message: `${name} is declared twice` });
    seen.add(declaration.name);
    let json: string;
    try {
      json = JSON.stringify(declaration.inputSchema);
    } catch {
      // Nested deeper than the server can write back (a body of `[[[…]]]`): refused, not a 500.
      problems.push({
        path: ['tools', i, 'inputSchema'],
        message: `The input schema of ${name} is nested too deeply`,
      });
      return;
    }
    const bytes = Buffer.byteLength(json);
    if (jsonHasNul(json)) {
      problems.push({
        path: ['tools', i, 'inputSchema'],
        message: `The input schema of ${name} holds U+0000 (NUL), which cannot be stored`,
      });
      return;
    }
    if (bytes > maxBytes) {
      problems.push({
        path: ['tools', i, 'inputSchema'],
        message: `The input schema of ${name} is ${bytes} bytes of JSON, over the limit of ${maxBytes}`,
      });
      return;
    }
    try {
      clientSchema(declaration.inputSchema);
    } catch (error) {
      problems.push({
        path: ['tools', i, 'inputSchema'],
        message: `The input schema of ${name} is not a JSON Schema the server can read: ${(error as Error).message}`,
      });
    }
  });
  const [first] = problems;
  if (first)
    throw new Invalid(
      problems.length === 1 ? first.message : `${problems.length} problems with the client tools`,
      problems,
    );
}

/** What the model is shown of a client tool (the same as of a server tool). */
export function clientToolSpec(declaration: ClientToolDeclaration): ToolSpec {
  return {
    name: declaration.name,
    description: declaration.description,
    inputSchema: declaration.inputSchema,
  };
}

/**
 * Validates the model's input for a client tool against its declared schema: `null` when it
 * fits, else the problems as text for the model (the call then ends `output-error` and the model
 * may try again, without bothering the client). Schemas are read once and cached. `pattern`s are
 * not checked here (a client's regular expression never runs on the server): the client checks
 * them before it runs the tool.
 */
export function validateClientInput(declaration: ClientToolDeclaration, input: unknown): string | null {
  let schema: ReturnType<typeof clientSchema>;
  try {
    schema = clientSchema(declaration.inputSchema);
  } catch (error) {
    // Checked when the send arrived; only a declaration stored by an older server gets here.
    return `The input schema of ${JSON.stringify(declaration.name)} cannot be read: ${(error as Error).message}`;
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return null;
  return `Invalid input for tool ${JSON.stringify(declaration.name)}; call it again with:\n${describeIssues(parsed.error.issues)}`;
}
