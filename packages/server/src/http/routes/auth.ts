/**
 * `/v1/auth/*` handlers.
 */

import type { AuthService } from '../../services/auth.js';
import type { RouteHandlers } from '../handler.js';

type AuthHandlers = Pick<RouteHandlers, 'register' | 'login' | 'token' | 'refresh' | 'logout' | 'me'>;

export function authHandlers(auth: AuthService): AuthHandlers {
  return {
    register: async ({ body }) => ({ status: 201, body: await auth.register(body) }),
    login: async ({ body }) => ({ status: 200, body: await auth.login(body) }),
    // OAuth2's shape, so that OAuth tooling (Swagger UI's Authorize) can sign in.
    token: async ({ body }) => {
      const tokens =
        body.grant_type === 'password'
          ? (await auth.login({ email: body.username, password: body.password })).tokens
          : await auth.refresh(body.refresh_token);
      return {
        status: 200,
        body: {
          access_token: tokens.accessToken,
          token_type: 'bearer',
          expires_in: tokens.expiresIn,
          refresh_token: tokens.refreshToken,
        },
      };
    },
    refresh: async ({ body }) => ({ status: 200, body: { tokens: await auth.refresh(body.refreshToken) } }),
    logout: async ({ body }) => {
      await auth.logout(body.refreshToken);
      return { status: 204, body: undefined };
    },
    me: async (_input, { userId }) => ({ status: 200, body: await auth.me(userId) }),
  };
}
