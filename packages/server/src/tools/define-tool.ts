/**
 * Server tools: a name and a description for the model, a zod schema for its input, and the
 * function that runs it. The turn loop validates the model's input against the schema before
 * `execute` ever sees it, so `execute` is typed by the schema's output.
 */
import type { FastifyBaseLogger } from 'fastify';
import type * as core from 'zod/v4/core';

/**
 * What a tool is told about the call it runs for.
 */
export interface ToolContext {
  /** Who sent the message the model is answering. */
  readonly userId: string;
  readonly conversationId: string;
  /** The assistant reply the call belongs to. */
  readonly messageId: string;
  /** The id the model gave this call. */
  readonly toolCallId: string;
  /**
   * Aborted when the reply is stopped, the server shuts down or the tool is past its timeout:
   * pass it on to `fetch` and the like, so that the work stops with the reply.
   */
  readonly signal: AbortSignal;
  /** The server's pino logger, bound to this call. */
  readonly log: FastifyBaseLogger;
}

/**
 * Whether a call waits for a person's approval before it runs: always, never, or decided per call
 * (given the validated input). A function runs as `execute` does: under the call's
 * `context.signal`, which aborts on a stop of the reply or past the tool's `timeoutMs` (else the
 * server's `toolTimeoutMs`), and never for longer. If it throws or times out, the call is not run:
 * it ends `output-error` with an `errorText` saying so, which the model is told (the reply goes
 * on); a stop meanwhile stops the reply at once.
 */
export type ApprovalRule<Input> =
  | boolean
  // A method signature (not a function type) so that a tool typed by its schema still counts as a
  // `ToolDefinition` of any input: parameters of methods are compared both ways.
  | { decide(input: Input, context: ToolContext): boolean | Promise<boolean> }['decide'];

/**
 * A server tool, as {@link defineTool} returns it. `Input` is its schema's output type (what
 * `execute` receives); `ToolDefinition` alone stands for a tool of any input.
 */
export interface ToolDefinition<Input = unknown, Output = unknown> {
  /** What the model calls it by: letters, digits, `_` and `-`, at most 64 characters. */
  readonly name: string;
  /** What it does and when to use it, for the model. */
  readonly description: string;
  /** The zod 4 schema of its input (classic `zod` or `zod/mini`); the model sees it as JSON Schema. */
  readonly input: core.$ZodType<Input>;
  /**
   * Runs the call with the validated input. Returns (or resolves to) a JSON-serialisable value,
   * which goes back to the model; what it throws goes back as an error (its message only).
   */
  execute(input: Input, context: ToolContext): Output | Promise<Output>;
  /**
   * Whether a call waits for a person's approval first. Default: never. A function is bounded as
   * `execute` is (same signal, same `timeoutMs`); one that throws or times out ends the call
   * `output-error`, unrun, and the model is told why.
   */
  readonly needsApproval?: ApprovalRule<Input>;
  /** How long a call (and its `needsApproval` function) may run, ms; default: the server's `toolTimeoutMs`. */
  readonly timeoutMs?: number;
}

/**
 * Marks the results of {@link defineTool}, recognised across duplicate copies of this package
 * (`chatwire-server --tools` takes only marked exports for tools).
 */
const TOOL_MARKER = Symbol.for('chatwire.tool');

/** A tool's name as the models' APIs (and the contract's `ToolName`) accept it. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const TOOL_ERROR_MARKER = Symbol.for('chatwire.ToolDefinitionError');

/** A tool that cannot be registered: a bad name, a duplicate, an input schema models cannot read. */
export class ToolDefinitionError extends Error {
  /** Recognised across duplicate copies of this package, where `instanceof` fails. */
  readonly [TOOL_ERROR_MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolDefinitionError';
  }

  /** `instanceof` that also works across duplicate package copies. */
  static isInstance(value: unknown): value is ToolDefinitionError {
    return typeof value === 'object' && value !== null && TOOL_ERROR_MARKER in value;
  }
}

/** How a tool is referred to in an error: by its name when it has a usable one. */
export function describeTool(value: { name?: unknown }): string {
  return typeof value.name === 'string' && value.name.length > 0
    ? `Tool ${JSON.stringify(value.name)}`
    : 'A tool without a name';
}

/**
 * Checks what a definition must hold, naming the tool in the error: {@link defineTool} checks it
 * when the tool is defined, the registry again for definitions written by hand.
 */
export function checkToolDefinition(definition: ToolDefinition): void {
  const which = describeTool(definition);
  if (typeof definition.name !== 'string' || !TOOL_NAME.test(definition.name))
    throw new ToolDefinitionError(
      `${which}: a name is letters, digits, _ and -, at most 64 characters (the models' tool APIs accept no other)`,
    );
  if (typeof definition.description !== 'string')
    throw new ToolDefinitionError(`${which}: description must be a string`);
  const schema = definition.input as unknown as { _zod?: unknown } | undefined;
  if (typeof schema !== 'object' || schema === null || typeof schema._zod !== 'object')
    throw new ToolDefinitionError(`${which}: input must be a zod 4 schema, e.g. z.object({ … })`);
  if (typeof definition.execute !== 'function')
    throw new ToolDefinitionError(`${which}: execute must be a function`);
  const approval = definition.needsApproval;
  if (approval !== undefined && typeof approval !== 'boolean' && typeof approval !== 'function')
    throw new ToolDefinitionError(`${which}: needsApproval must be a boolean or a function`);
  const timeout = definition.timeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
    throw new ToolDefinitionError(`${which}: timeoutMs must be a whole number of milliseconds above 0`);
}

/**
 * Defines a server tool: register it with `buildApp({ tools: [...] })`, or export it from the
 * module given to `chatwire-server --tools`. Throws a {@link ToolDefinitionError} naming the tool
 * when the definition is unusable (a name the models would refuse, no `execute`, …).
 *
 * @example
 * ```ts
 * import { buildApp, defineTool } from '@chatwire/server';
 * import * as z from 'zod';
 *
 * const weather = defineTool({
 *   name: 'weather',
 *   description: 'The current weather in a city',
 *   input: z.object({ city: z.string().describe('A city name, e.g. Lisbon') }),
 *   async execute({ city }, { signal }) {
 *     const response = await fetch(`https://wttr.in/${encodeURIComponent(city)}?format=j1`, { signal });
 *     const { current_condition: [now] } = (await response.json()) as { current_condition: { temp_C: string }[] };
 *     return { city, celsius: Number(now?.temp_C) };
 *   },
 * });
 *
 * const app = await buildApp({ tools: [weather] });
 * ```
 */
export function defineTool<Schema extends core.$ZodType, Output>(definition: {
  /** What the model calls it by: letters, digits, `_` and `-`, at most 64 characters. */
  name: string;
  /** What it does and when to use it, for the model. */
  description: string;
  /** The zod 4 schema of its input (classic `zod` or `zod/mini`). */
  input: Schema;
  /** Runs the call with the validated input; returns a JSON-serialisable value. */
  execute(input: core.output<Schema>, context: ToolContext): Output | Promise<Output>;
  /**
   * Whether a call waits for a person's approval first: a boolean, or a function of the validated
   * input and the context. Default: never. A function runs under the same `context.signal` and
   * timeout as `execute` (`timeoutMs`, else the server's `toolTimeoutMs`); if it throws or times
   * out, the call is not run and ends `output-error` with an `errorText` the model is told; a stop
   * of the reply meanwhile stops it at once (stored `aborted`).
   */
  needsApproval?: ApprovalRule<core.output<Schema>>;
  /** How long a call (and its `needsApproval` function) may run, ms; default: the server's `toolTimeoutMs`. */
  timeoutMs?: number;
}): ToolDefinition<core.output<Schema>, Output> {
  const tool = { ...definition } as ToolDefinition<core.output<Schema>, Output>;
  checkToolDefinition(tool);
  // Not enumerable: a tool spread or logged shows its own fields only.
  Object.defineProperty(tool, TOOL_MARKER, { value: true });
  return Object.freeze(tool);
}

/**
 * Whether `value` is a result of {@link defineTool} (from any copy of this package).
 *
 * @example
 * ```ts
 * const tools = Object.values(await import('./tools.js')).filter(isToolDefinition);
 * ```
 */
export function isToolDefinition(value: unknown): value is ToolDefinition {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TOOL_MARKER] === true
  );
}
