import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadToolModule, ToolModuleError } from './load-tool-module.js';

const dir = mkdtempSync(join(tmpdir(), 'chatwire-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A tool as another copy of `@chatwire/server` would make it: only the `Symbol.for` marker in
 * common with this one.
 */
const tool = (name: string) =>
  `Object.defineProperty({ name: ${JSON.stringify(name)}, description: '', input: {}, execute: () => 1 }, Symbol.for('chatwire.tool'), { value: true })`;

let count = 0;
function module(source: string): string {
  count += 1;
  const file = join(dir, `tools-${count}.mjs`);
  writeFileSync(file, source);
  return file;
}

async function refusal(path: string, cwd?: string): Promise<string> {
  try {
    await loadToolModule(path, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ToolModuleError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('loadToolModule', () => {
  it('takes every export that is a tool, or an array of tools, a tool exported twice once', async () => {
    const path = module(
      `export const clock = ${tool('clock')};\nexport const search = ${tool('search')};\nexport default [clock, ${tool('extra')}];`,
    );
    const tools = await loadToolModule(path);
    expect(tools.map((found) => found.name)).toEqual(['clock', 'search', 'extra']);
  });

  it('resolves a relative path against the working directory', async () => {
    module(`export const clock = ${tool('clock')};`);
    const tools = await loadToolModule(`./tools-${count}.mjs`, dir);
    expect(tools.map((found) => found.name)).toEqual(['clock']);
  });

  it('refuses exports that are not tools, naming them', async () => {
    const path = module(
      `export const clock = ${tool('clock')};\nexport const helper = () => 1;\nexport const config = { a: 1 };\nexport const mixed = [clock, 2];`,
    );
    expect(await refusal(path)).toBe(
      `"${path}" exports "helper", "config", "mixed", which are not tools: export only defineTool(…) results (or arrays of them)`,
    );
    const plain = module(`export default { name: 'clock', description: '', input: {}, execute() {} };`);
    expect(await refusal(plain)).toMatch(/exports "default", which is not tools/);
  });

  it('refuses a module that exports no tool', async () => {
    expect(await refusal(module('export {};'))).toMatch(/exports no tools: export defineTool\(…\) results$/);
    expect(await refusal(module('export const none = [];'))).toMatch(/exports "none", which is not tools/);
  });

  it('says plainly when the module is missing, or fails to load', async () => {
    expect(await refusal('./nope.js', dir)).toBe(
      `no module at "./nope.js" (looked for ${join(dir, 'nope.js')})`,
    );
    const syntax = module('export const = ;');
    // Node says SyntaxError (the CLI's test sees it); vitest's own module loader words it its way.
    expect(await refusal(syntax)).toMatch(new RegExp(`^"${syntax}" failed to load: \\w*Error: `));
    const throwing = module(`throw new Error('TOKEN is not set');`);
    expect(await refusal(throwing)).toBe(`"${throwing}" failed to load: Error: TOKEN is not set`);
    const missingPackage = module(`import 'chatwire-no-such-package';`);
    expect(await refusal(missingPackage)).toMatch(
      /failed to load: Error: Cannot find package 'chatwire-no-such-package'/,
    );
  });
});
