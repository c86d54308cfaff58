/**
 * The demo tools the reference server offers with `CHATWIRE_DEMO_TOOLS=1`.
 */
import type { ToolDefinition } from '../define-tool.js';
import { calculatorTool } from './calculator.js';
import { createClockTool } from './clock.js';
import { setReminderTool } from './set-reminder.js';

/**
 * Three small tools to try tool calls with, no API key needed (the `echo` model calls a tool
 * named in the prompt with JSON arguments, e.g. `calculator {"expression":"2+2"}`):
 *
 * - `clock` — the current time in an IANA time zone (`{ timeZone?: string }`, default UTC);
 * - `calculator` — an arithmetic expression: `+ - * /`, `^`, parentheses, decimals (parsed, never `eval`ed);
 * - `set_reminder` — needs a person's approval, then confirms `{ text, at }`; it stores nothing.
 *
 * `chatwire-server` registers them with `CHATWIRE_DEMO_TOOLS=1`.
 *
 * @example
 * ```ts
 * import { buildApp, demoTools } from '@chatwire/server';
 *
 * const app = await buildApp({ tools: [...demoTools] });
 * ```
 */
export const demoTools: readonly ToolDefinition[] = Object.freeze([
  createClockTool(),
  calculatorTool,
  setReminderTool,
]);
