/**
 * The tools of an ES module, for `chatwire-server --tools ./tools.js`: people who only run the
 * reference server give it tools without writing a server of their own.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isToolDefinition, type ToolDefinition } from './define-tool.js';

/** The module cannot be loaded, or exports something other than tools. */
export class ToolModuleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolModuleError';
  }
}

/**
 * Imports the ES module at `path` (relative to `cwd`) and returns its tools: every export must be
 * a `defineTool` result or an array of them (`export default [clock, search]`); a tool exported
 * twice counts once. Throws a {@link ToolModuleError} saying what to fix when the module is
 * missing, throws while loading, exports anything else, or exports no tool.
 */
export async function loadToolModule(path: string, cwd = process.cwd()): Promise<ToolDefinition[]> {
  const file = resolve(cwd, path);
  if (!existsSync(file))
    throw new ToolModuleError(`no module at ${JSON.stringify(path)} (looked for ${file})`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    // Its message only: where in the module it failed is in the message of a syntax error, and a
    // stack through the loader would say nothing more.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ToolModuleError(`${JSON.stringify(path)} failed to load: ${reason}`, { cause: error });
  }
  const tools = new Set<ToolDefinition>();
  const strangers: string[] = [];
  for (const [name, value] of Object.entries(exports)) {
    const candidates = Array.isArray(value) ? value : [value];
    if (candidates.length === 0 || !candidates.every(isToolDefinition)) strangers.push(name);
    else for (const tool of candidates) tools.add(tool);
  }
  if (strangers.length > 0)
    throw new ToolModuleError(
      `${JSON.stringify(path)} exports ${strangers.map((name) => JSON.stringify(name)).join(', ')}, which ${strangers.length === 1 ? 'is' : 'are'} not tools: export only defineTool(…) results (or arrays of them)`,
    );
  if (tools.size === 0)
    throw new ToolModuleError(`${JSON.stringify(path)} exports no tools: export defineTool(…) results`);
  return [...tools];
}
