/**
 * Closing a deleted account's sockets on every process: the deletion publishes `account.deleted`
 * to the user (`services/account-deletion.ts`); each gateway's broker listener (this one, after
 * the fanout has written that event) closes every socket of theirs here with 4410 and tells
 * `onAccountDeleted` (the access tokens it remembers for them stop working).
 */
import type { BrokerListener } from '../broker/broker.js';
import { CloseCode } from './close-codes.js';
import type { ConnectionRegistry } from './fanout.js';

export function createAccountCloser(deps: {
  registry: Pick<ConnectionRegistry, 'of'>;
  closeTimeoutMs: number;
  onAccountDeleted?: ((userId: string) => void) | undefined;
}): BrokerListener {
  return ({ event }) => {
    if (event.type !== 'account.deleted') return;
    deps.onAccountDeleted?.(event.userId);
    // A copy: a closing socket leaves the registry while we walk it.
    for (const { socket } of [...(deps.registry.of(event.userId) ?? [])]) {
      socket.close(CloseCode.accountDeleted, 'account deleted: sign out');
      setTimeout(() => socket.terminate(), deps.closeTimeoutMs).unref();
    }
  };
}
