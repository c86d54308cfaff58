/**
 * Bursts of events leave in one write per socket. When several publishes happen in one tick — the
 * appends of one group commit announced together, a broker read that returned many entries —
 * every socket would otherwise get one TCP write (one syscall, one read on the client's side) per
 * event. From the second publish of a tick on, each socket written to is corked, and all of them
 * are uncorked once the tick's work is done (`process.nextTick`, after the promise continuations
 * that announce a batch): the frames of the burst go out in one `writev` per socket, in order.
 *
 * A lone publish is written at once, uncorked: no latency or cost is added to the common case.
 * `ws`'s own `send` corks and uncorks inside; corks nest, so its frames join the burst too.
 */
import type { WebSocket } from 'ws';

/** What coalescing needs of a `ws` socket's TCP socket. */
interface Corkable {
  cork(): void;
  uncork(): void;
  readonly writableCorked: number;
}

export interface WriteCoalescer {
  /** A publish begins: counted for this tick. */
  publishing(): void;
  /** Before a write to `socket`: in a burst, holds the socket's writes until the tick ends. */
  beforeWrite(socket: WebSocket): void;
}

/**
 * @example
 * ```ts
 * const coalescer = createWriteCoalescer();
 * coalescer.publishing();
 * for (const socket of sockets) { coalescer.beforeWrite(socket); writeFrame(socket, frame); }
 * ```
 */
export function createWriteCoalescer(): WriteCoalescer {
  let publishes = 0;
  const corked: Corkable[] = [];
  const flush = () => {
    publishes = 0;
    for (const tcp of corked) tcp.uncork();
    corked.length = 0;
  };
  return {
    publishing() {
      publishes += 1;
      if (publishes === 1) process.nextTick(flush);
    },
    beforeWrite(socket) {
      if (publishes < 2) return;
      const tcp = (socket as unknown as { _socket?: Corkable | null })._socket;
      if (!tcp || tcp.writableCorked > 0) return;
      tcp.cork();
      corked.push(tcp);
    },
  };
}
