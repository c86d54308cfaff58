/**
 * A message is made of parts: text, reasoning, tool calls with their input and output, the start
 * of each model round trip, sources and files. Named as the Vercel AI SDK names its `UIMessage`
 * parts, so that mapping between the two stays one to one.
 *
 * How parts grow while a reply streams (the same over SSE and the WebSocket): `message.part` puts
 * a part at an index — a new one, or a new state of one (a tool's output) — and `message.delta`
 * appends to the *text channel* of the part at an index: the `text` of a text or reasoning part,
 * the `inputText` of a tool part whose input is streaming. A delta's `offset` is where it starts
 * in that channel, so a follower drops what it has and notices a gap.
 */
import * as z from 'zod/mini';

/** Text the model wrote (Markdown). */
export const TextPart = z.object({ type: z.literal('text'), text: z.string() });
export type TextPart = z.infer<typeof TextPart>;

/** The model's reasoning before it answers (what DeepSeek, Groq, Ollama's `think` stream). */
export const ReasoningPart = z.object({ type: z.literal('reasoning'), text: z.string() });
export type ReasoningPart = z.infer<typeof ReasoningPart>;

/**
 * Where a tool call is in its life: the model is writing its input (`input-streaming`); the input
 * is complete (`input-available`: a server tool runs now, a client tool waits for the client);
 * a server tool waits for a person's approval (`approval-requested`); it ended with an output
 * (`output-available`), an error (`output-error`: invalid input, the tool threw or timed out, the
 * client reported one) or a refusal (`output-denied`).
 */
export const ToolState = z.enum([
  'input-streaming',
  'input-available',
  'approval-requested',
  'output-available',
  'output-error',
  'output-denied',
]);
export type ToolState = z.infer<typeof ToolState>;

/** A tool's name: what the model calls it by. */
export const ToolName = z
  .string()
  .check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'Letters, digits, _ and -, at most 64 characters'));

/** One call of a tool, its whole life in one part (`state`). */
export const ToolPart = z.object({
  type: z.literal('tool'),
  /** The id the model gave the call; what a tool result or an approval names. */
  toolCallId: z.string().check(z.minLength(1), z.maxLength(128)),
  toolName: z.string(),
  state: ToolState,
  /** The input, once complete (`input-available` and after). */
  input: z.optional(z.unknown()),
  /** The input as the model has written it so far (JSON text): grows by deltas while `input-streaming`. */
  inputText: z.optional(z.string()),
  /** What the tool answered (`output-available`). */
  output: z.optional(z.unknown()),
  /** Why it failed (`output-error`) or was refused (`output-denied`). */
  errorText: z.optional(z.string()),
  /** The provider ran the tool itself (a provider-hosted tool); chatwire's tools are never. */
  providerExecuted: z.optional(z.boolean()),
  /** A person's answer to `approval-requested`. */
  approval: z.optional(z.object({ approved: z.boolean(), reason: z.optional(z.string()) })),
});
export type ToolPart = z.infer<typeof ToolPart>;

/** A new model round trip begins (the loop's next step, after tool results). */
export const StepStartPart = z.object({ type: z.literal('step-start') });
export type StepStartPart = z.infer<typeof StepStartPart>;

/** A source the model cites. */
export const SourceUrlPart = z.object({
  type: z.literal('source-url'),
  sourceId: z.string(),
  url: z.string(),
  title: z.optional(z.string()),
});
export type SourceUrlPart = z.infer<typeof SourceUrlPart>;

/**
 * A file on the message (an attachment). `url` is a signed path under the API's base URL
 * (`/v1/files/:id/content?expires=…&signature=…`), readable without an `Authorization` header until
 * it expires; reading the message again (history, `GET` of the conversation) gives a fresh one.
 * Resolve it against the base URL (`client.files.url(part)`).
 */
export const FilePart = z.object({
  type: z.literal('file'),
  /** The upload's id (`GET /v1/files/:id`). */
  fileId: z.string(),
  mediaType: z.string(),
  filename: z.optional(z.string()),
  /** Bytes. */
  size: z.number(),
  /** Pixels, for images. */
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  url: z.string(),
});
export type FilePart = z.infer<typeof FilePart>;

/** One part of a message. */
export const MessagePart = z.discriminatedUnion('type', [
  TextPart,
  ReasoningPart,
  ToolPart,
  StepStartPart,
  SourceUrlPart,
  FilePart,
]);
export type MessagePart = z.infer<typeof MessagePart>;
export type MessagePartType = MessagePart['type'];

/**
 * The text channel of a part: what `message.delta` appends to (text, reasoning, a streaming
 * tool input); `undefined` for parts that only change whole.
 */
export function partText(part: MessagePart): string | undefined {
  if (part.type === 'text' || part.type === 'reasoning') return part.text;
  if (part.type === 'tool') return part.inputText;
  return undefined;
}

/**
 * The plain-text projection of parts, a message's `content`: its text parts, a blank line between
 * two (they come from different steps of a reply, around its tool calls). Holes are skipped (the
 * parts a stream resumed from a bare position was not sent).
 */
export function textOf(parts: readonly (MessagePart | undefined)[]): string {
  let text = '';
  for (const part of parts) {
    if (part?.type !== 'text' || part.text === '') continue;
    text = text === '' ? part.text : `${text}\n\n${part.text}`;
  }
  return text;
}
