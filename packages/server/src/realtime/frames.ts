/**
 * Frame encoding. Fan-out is the hot path: an event's `seq` is its stream position, the same for
 * every recipient (see event-log.ts), so its `event` frame is encoded once per publish, to bytes,
 * and those bytes go to every socket.
 */

import type { ErrorCode, RealtimeEvent } from '@chatwire/sdk/contracts';
import { ClientFrame, type ServerFrame } from '@chatwire/sdk/contracts';
import { type OutgoingFrame, prepareFrame } from './frame-writer.js';

/** An `event` frame around an already serialized event: byte-identical to `JSON.stringify` of the frame. */
export function eventFrame(seq: number, eventJson: string): string {
  return `{"type":"event","seq":${seq},"event":${eventJson}}`;
}

/** The `event` frame of one publish, encoded (and framed) once for all its recipients. */
export function encodeEventFrame(seq: number, event: RealtimeEvent): OutgoingFrame {
  return prepareFrame(Buffer.from(eventFrame(seq, JSON.stringify(event))));
}

/** Any other server frame (rare ones: `ready`, `ack`, `error`, …): plain `JSON.stringify`. */
export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/**
 * An `error` frame; `ref` points at what failed (a `clientMessageId`, a message id), `details`
 * at the fields of the frame that are wrong.
 */
export function errorFrame(
  code: ErrorCode,
  message: string,
  ref?: string,
  details: readonly { path: readonly (string | number)[]; message: string }[] = [],
): string {
  return encodeFrame({
    type: 'error',
    code,
    message,
    ...(ref === undefined ? {} : { ref }),
    ...(details.length > 0
      ? { details: details.map((d) => ({ path: [...d.path], message: d.message })) }
      : {}),
  });
}

/** A problem with a frame: where in it (`["content"]`) and what is wrong. */
export interface FrameProblem {
  path: (string | number)[];
  message: string;
}

export type ParsedClientFrame =
  | { ok: true; frame: ClientFrame }
  | {
      ok: false;
      code: 'bad_request' | 'validation_failed';
      message: string;
      ref?: string;
      details?: FrameProblem[];
    };

/** Parses and validates one client frame; never throws. */
export function parseClientFrame(data: string): ParsedClientFrame {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return {
      ok: false,
      code: 'bad_request',
      message: 'Frames are JSON objects with a "type": this one is not JSON',
    };
  }
  const result = ClientFrame.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  const problems = result.error.issues.length;
  // Echo the clientMessageId back, so a client can fail the right optimistic send.
  const ref = refOf(json);
  return {
    ok: false,
    code: 'validation_failed',
    message:
      problems > 1
        ? `Invalid frame: ${problems} problems (see details)`
        : `Invalid frame${where}: ${issue?.message ?? 'see ClientFrame in the contracts'}`,
    ...(ref === undefined ? {} : { ref }),
    // The same problems, with the same paths, as the REST send's `details` (without `body`).
    details: result.error.issues.map((problem) => ({
      path: problem.path.map((key) => (typeof key === 'number' ? key : String(key))),
      message: problem.message,
    })),
  };
}

function refOf(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const id = (json as Record<string, unknown>).clientMessageId;
  return typeof id === 'string' && id.length <= 128 ? id : undefined;
}
