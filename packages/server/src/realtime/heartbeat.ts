/**
 * Ping/pong heartbeat: one timer for all sockets (not one per socket). A socket that has not
 * answered the previous ping by the next tick is dead (a vanished laptop, a half-open TCP
 * connection) and is terminated, which closes it and frees what it held.
 */
import type { Connection } from './connection.js';

export function startHeartbeat(connections: () => Iterable<Connection>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const connection of connections()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
