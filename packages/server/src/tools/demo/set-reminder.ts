/**
 * The demo `set_reminder`: a tool that needs a person's approval before it runs, so an approval
 * can be tried with no API key. It stores nothing and nothing fires: it only confirms.
 */
import * as z from 'zod';
import { defineTool } from '../define-tool.js';

/** The `set_reminder` tool: waits for approval, then confirms (a demo: nothing is stored). */
export const setReminderTool = defineTool({
  name: 'set_reminder',
  description:
    'Sets a reminder for the user at a date and time. The user is asked to approve it first. (A demo: it confirms, but stores nothing and no reminder will fire.)',
  input: z.object({
    text: z.string().min(1).max(500).describe('What to remind the user of'),
    at: z.iso
      .datetime({ offset: true, local: true })
      .describe('When, as an ISO 8601 date and time, e.g. 2030-01-31T09:00:00+01:00'),
  }),
  needsApproval: true,
  execute: ({ text, at }) => ({
    confirmed: true,
    text,
    at,
    note: 'This is a demo tool: nothing was stored and no reminder will fire.',
  }),
});
