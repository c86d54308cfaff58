/**
 * In which order one socket's frames are handled and answered.
 *
 * Frames are handled one after the other — except consecutive `message.send` frames, which are
 * pipelined: up to `depth` of them are in flight at once, so that a client sending many messages
 * does not pay one durable append per message end to end (their appends share writes: the stores'
 * group commit). What a client can observe stays as if they ran one by one:
 * - appends are handed to the store in arrival order ({@link SendOrder}): seqs follow the order
 *   the client sent them in;
 * - answers (`ack`, `error { ref }`) leave in arrival order: a frame's answers are held until every
 *   earlier frame has been answered;
 * - any other frame (`auth`, `typing`, `read`, `ping`, an invalid one) waits for everything before
 *   it, and everything after it waits for it.
 *
 * The state lives on the connection (four fields, `null` when idle: memory per idle socket).
 */

import type { SendOrder } from '../services/send-message.js';

export type { SendOrder } from '../services/send-message.js';

/** Where a frame's answers go: to the socket, in the order the frames arrived. */
export type Answer = (frame: string) => void;

/** One socket's pipeline (fields of its connection). */
export interface PipelineState {
  /** Settles once every frame so far has been handled and answered; `null` when idle. */
  pending: Promise<void> | null;
  /** Whether `pending` is a run of sends only, so that another send may start before it settles. */
  pipelining: boolean;
  /** The latest sends of the run (at most `depth`), oldest first: each settles when its handling has. */
  inFlight: Promise<void>[] | null;
  /** Settles once the latest send handed its append over. */
  lastHandover: Promise<void> | null;
}

/** A frame's handling: never rejects (failures are answered inside). */
export type FrameTask = (answer: Answer, order: SendOrder | undefined) => Promise<void>;

const settled = Promise.resolve();

function track(state: PipelineState, next: Promise<void>): void {
  state.pending = next;
  void next.then(() => {
    if (state.pending !== next) return;
    state.pending = null;
    state.pipelining = false;
    state.inFlight = null;
    state.lastHandover = null;
  });
}

/**
 * Runs a frame that waits for everything before it, answering straight to the socket.
 *
 * @example
 * ```ts
 * runInOrder(connection, (answer) => handle(frame, answer), send);
 * ```
 */
export function runInOrder(state: PipelineState, task: FrameTask, send: Answer): void {
  const run = () => task(send, undefined);
  const next = state.pending ? state.pending.then(run) : run();
  state.pipelining = false;
  state.inFlight = null;
  track(state, next);
}

/**
 * Runs a `message.send` frame: at once when it follows a run of sends with fewer than `depth` in
 * flight (after the `depth`-th latest otherwise), after everything before it when it follows any
 * other frame. Its answers are held until the frames before it are answered.
 */
export function runPipelined(state: PipelineState, task: FrameTask, send: Answer, depth: number): void {
  const previous = state.pending;
  let handedOver!: () => void;
  const handover = new Promise<void>((resolve) => {
    handedOver = resolve;
  });
  const order: SendOrder = { turn: state.lastHandover ?? settled, handedOver };
  state.lastHandover = handover;

  let held: string[] | null = previous ? [] : null;
  const answer: Answer = (frame) => {
    if (held) held.push(frame);
    else send(frame);
  };
  const run = () => task(answer, order).finally(handedOver);

  const inFlight = state.pipelining && state.inFlight ? state.inFlight : [];
  const startAfter = !previous
    ? null
    : !state.pipelining
      ? previous
      : inFlight.length >= depth
        ? (inFlight[inFlight.length - depth] ?? null)
        : null;
  const handled = startAfter ? startAfter.then(run) : run();
  inFlight.push(handled);
  if (inFlight.length > depth) inFlight.shift();
  state.inFlight = inFlight;
  state.pipelining = true;

  if (!previous) {
    track(state, handled);
    return;
  }
  // Once every earlier frame is answered, this one's held answers leave, and later ones go straight.
  const answeredBefore = previous.then(() => {
    const out = held ?? [];
    held = null;
    for (const frame of out) send(frame);
  });
  track(
    state,
    Promise.all([answeredBefore, handled]).then(() => undefined),
  );
}
