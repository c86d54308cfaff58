/**
 * The demo `clock`: the current time in an IANA time zone.
 */
import * as z from 'zod';
import { defineTool } from '../define-tool.js';

/** Whether `Intl` knows the time zone (`Europe/Paris`, `UTC`, …). */
function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** What the clock answers. */
export interface ClockReading {
  /** The time zone, as `Intl` spells it. */
  timeZone: string;
  /** The instant, in UTC (ISO 8601). */
  iso: string;
  /** The wall-clock time there, `YYYY-MM-DD HH:MM:SS`. */
  local: string;
  weekday: string;
  /** The zone's offset from UTC then, e.g. `+02:00`. */
  utcOffset: string;
}

/** The clock reading at `now` in `timeZone` (known to be valid). */
export function readClock(now: Date, timeZone: string): ClockReading {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'long',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const parts = Object.fromEntries(format.formatToParts(now).map((part) => [part.type, part.value]));
  // `longOffset` reads `GMT+02:00`, or plain `GMT` at UTC.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return {
    timeZone: format.resolvedOptions().timeZone,
    iso: now.toISOString(),
    local: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`,
    weekday: parts.weekday ?? '',
    utcOffset: offset,
  };
}

/** The `clock` tool, reading the time from `now` (tests give a fixed one). */
export function createClockTool(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return defineTool({
    name: 'clock',
    description:
      'The current date and time in a time zone. Use it whenever the answer depends on the date or time of day.',
    input: z.object({
      timeZone: z
        .string()
        .refine(isTimeZone, 'Expected an IANA time zone such as Europe/Paris, America/New_York or UTC')
        .optional()
        .describe('An IANA time zone, e.g. Europe/Paris; default UTC'),
    }),
    execute: ({ timeZone }) => readClock(now(), timeZone ?? 'UTC'),
  });
}
