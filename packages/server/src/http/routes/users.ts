/**
 * `/v1/users/me*` handlers: my profile and my password. (Looking others up, `GET /v1/users`, is
 * with the service routes.)
 */
import type { AccountDeletion } from '../../services/account-deletion.js';
import type { AuthService } from '../../services/auth.js';
import type { UserService } from '../../services/users.js';
import type { RouteHandlers } from '../handler.js';

type UserHandlers = Pick<RouteHandlers, 'updateMe' | 'changePassword' | 'deleteMe'>;

export function userHandlers(deps: {
  users: UserService;
  auth: AuthService;
  accountDeletion: AccountDeletion;
}): UserHandlers {
  return {
    deleteMe: async ({ body }, { userId }) => {
      await deps.accountDeletion.deleteAccount(userId, body.password);
      return { status: 204, body: undefined };
    },
    updateMe: async ({ body }, { userId }) => ({
      status: 200,
      body: await deps.users.updateMe(userId, body),
    }),
    // A token answer: `Cache-Control: no-store`, as on every answer (response-headers.ts).
    changePassword: async ({ body }, { userId }) => ({
      status: 200,
      body: await deps.auth.changePassword(userId, body),
    }),
  };
}
