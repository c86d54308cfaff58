import { clientTool } from '@chatwire/sdk';
import * as z from 'zod/mini';

/**
 * Tools this browser runs for the assistant. Each is declared with every send of an assistant
 * chat (its name, description and input JSON Schema go to the model); when the model calls one,
 * the SDK checks the input against `inputSchema`, runs `execute` here and posts the result back,
 * and the reply goes on. Given to `<ChatwireProvider options={{ tools }}>` in `main.tsx`.
 *
 * `zod/mini` is what the SDK's contracts already ship, so it costs the bundle nothing; unlike
 * classic `zod` it does not describe itself as JSON Schema, hence `inputJsonSchema`.
 */
export const browserTools = {
  get_time_zone: clientTool({
    description: "The user's time zone (an IANA name such as Europe/Lisbon), from their browser.",
    inputSchema: z.object({}),
    inputJsonSchema: { type: 'object', properties: {}, additionalProperties: false },
    execute: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
  }),
};

/** Whether the browser runs `toolName` (the server runs every other tool). */
export const runsInBrowser = (toolName: string) => Object.hasOwn(browserTools, toolName);
