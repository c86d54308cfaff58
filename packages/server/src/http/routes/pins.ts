/**
 * `/v1/conversations/:id/pins` handlers and the role route
 * (`PATCH /v1/conversations/:id/participants/:userId`): HTTP to the pin and role use cases and back.
 */
import type { PinService } from '../../services/pins.js';
import type { RoleService } from '../../services/roles.js';
import type { RouteHandlers } from '../handler.js';

type PinHandlers = Pick<RouteHandlers, 'listPins' | 'pinMessage' | 'unpinMessage' | 'setParticipantRole'>;

export function pinHandlers(deps: { pins: PinService; roles: RoleService }): PinHandlers {
  const { pins, roles } = deps;
  return {
    listPins: async ({ params }, { userId }) => ({ status: 200, body: await pins.list(userId, params.id) }),
    pinMessage: async ({ params, body }, { userId }) => ({
      status: 200,
      body: await pins.pin(userId, params.id, body.messageId),
    }),
    unpinMessage: async ({ params }, { userId }) => ({
      status: 200,
      body: await pins.unpin(userId, params.id, params.messageId),
    }),
    setParticipantRole: async ({ params, body }, { userId }) => ({
      status: 200,
      body: await roles.setRole(userId, params.id, params.userId, body.role),
    }),
  };
}
