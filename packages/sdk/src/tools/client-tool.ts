/**
 * Tools the client runs itself — the browser's time zone, a file the user picks, a question put to
 * the user — declared with the sends of an assistant conversation (`createClient({ tools })`, or
 * one send's `tools`) and keyed by name, as the Vercel AI SDK's `tools` record is. The model may
 * call one; the reply then waits (`awaiting_input`) until the client posts the call's result,
 * which the SDK does by itself for a tool with `execute`.
 *
 * One client runs each call: the stream that sent the message or the answer that made the reply
 * go on (`stream`, `regenerateStream`, `submitToolResultStream`, `approveToolCallStream`,
 * `runClientTools`, and an app's own `resume`). A stream that only watches a reply
 * (`resume(…, { runTools: false })`, as the chat store follows a reply it did not start: a second
 * tab) never runs tools; the call waits for the app to answer it by hand.
 */

/** A validation problem, as Standard Schema reports one. */
export interface ToolInputIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * The schema of a tool's input: a zod 4 schema (`zod`, or `zod/mini` with the tool's
 * `inputJsonSchema`), or any [Standard Schema](https://standardschema.dev). The SDK checks the
 * model's input with it before `execute`, and sends its JSON Schema to the model.
 */
export interface ToolInputSchema<Output = unknown> {
  readonly '~standard': {
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Output; readonly issues?: undefined }
      | { readonly issues: ReadonlyArray<ToolInputIssue> }
      | Promise<
          | { readonly value: Output; readonly issues?: undefined }
          | { readonly issues: ReadonlyArray<ToolInputIssue> }
        >;
    readonly types?: { readonly output: Output } | undefined;
    /** Standard JSON Schema: the schema's own JSON Schema (classic `zod` has it; `zod/mini` does not). */
    readonly jsonSchema?:
      | { readonly input: (options: { target: string }) => Record<string, unknown> }
      | undefined;
  };
}

/** What a schema's valid input is (what `execute` receives). */
export type InferToolInput<S> = S extends ToolInputSchema<infer Output> ? Output : unknown;

/** What `execute` is told besides the input. */
export interface ClientToolContext {
  /** Aborted when the stream that runs the tool is stopped (`abort()`, its `signal`, a `break`). */
  readonly signal: AbortSignal;
  /** The call being answered. */
  readonly toolCallId: string;
  /** The reply that made the call. */
  readonly messageId: string;
  readonly conversationId: string;
}

/**
 * One tool of the client. Without `execute` the SDK only declares it: a call of it leaves the
 * reply `awaiting_input`, and the app answers (`messages.submitToolResult`, or `addToolResult` in
 * `useChat`) — e.g. once the user has chosen.
 *
 * With `execute`, each call runs once, in one client: the one whose stream sent the message or
 * gave the answer that made the reply go on. A stream that only watches the reply (another tab
 * that opened mid-reply: `resume` with `runTools: false`, as the chat store does) leaves it to
 * that client.
 *
 * @example
 * ```ts
 * const pickFile: ClientTool = {
 *   description: 'Ask the user to pick a file; answers its name',
 *   inputSchema: z.object({}),
 *   execute: async (_input, { signal }) => (await showFilePicker({ signal })).name,
 * };
 * ```
 */
export interface ClientTool<S extends ToolInputSchema = ToolInputSchema> {
  /** What the tool does, for the model (at most 1,024 characters). */
  description: string;
  /** Its input: checked before `execute` (an invalid one is answered as an error to the model). */
  inputSchema: S;
  /**
   * The JSON Schema of the input, for the model. Default: the schema's own (Standard JSON Schema,
   * which classic `zod` gives). Needed for a `zod/mini` schema: `z.toJSONSchema(schema, { io: 'input' })`.
   */
  inputJsonSchema?: Record<string, unknown> | undefined;
  /**
   * Runs a call: its answer is the output (`undefined` is sent as `null`); a throw is the call's
   * error, which the model is told. Anything JSON can carry. A stop of the stream does not wait
   * for it (nothing is posted): honour `context.signal` to end the work itself.
   */
  execute?(input: InferToolInput<S>, context: ClientToolContext): unknown;
}

/** The client's tools by name (letters, digits, `_` and `-`, at most 64): what the model calls them. */
export type ClientTools = Readonly<Record<string, ClientTool>>;

/**
 * Types a tool's `execute` from its schema — an identity function, as the AI SDK's `tool()` is.
 * The tool runs for a call in one client only: see {@link ClientTool} (a tab that only watches a
 * reply another tab sent does not run it).
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { clientTool, createClient } from '@chatwire/sdk';
 *
 * const client = createClient({
 *   baseUrl: '/api',
 *   tools: {
 *     get_time_zone: clientTool({
 *       description: "The user's time zone (IANA name)",
 *       inputSchema: z.object({}),
 *       execute: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
 *     }),
 *   },
 * });
 * ```
 */
export function clientTool<S extends ToolInputSchema>(tool: ClientTool<S>): ClientTool<S> {
  return tool;
}
