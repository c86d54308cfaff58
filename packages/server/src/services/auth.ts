/**
 * Accounts and sessions: register, login, refresh-token rotation with family revocation on
 * reuse, logout, password change.
 */
import type {
  ChangePasswordInput,
  LoginInput,
  RegisterInput,
  Session,
  Tokens,
} from '@chatwire/sdk/contracts';
import bcrypt from 'bcryptjs';
import { newId } from '../ids.js';
import { type Store, StoreConflictError, type UserRecord } from '../store/store.js';
import { type AccessTokens, hashRefreshToken, newRefreshToken } from './access-tokens.js';
import type { Clock } from './clock.js';
import { Conflict, Unauthenticated } from './errors.js';
import { toUser } from './views.js';

export interface AuthServiceDeps {
  store: Store;
  accessTokens: AccessTokens;
  clock: Clock;
  bcryptCost: number;
  refreshTokenTtlSeconds: number;
}

const invalidCredentials = () => new Unauthenticated('Email or password is incorrect', 'invalid_credentials');
const invalidRefreshToken = () =>
  new Unauthenticated(
    'The refresh token is not valid (expired, revoked or already used): sign in again',
    'unauthorized',
  );

export function createAuthService(deps: AuthServiceDeps) {
  const { store, accessTokens, clock } = deps;
  // Compared against when the email is unknown, so both failures cost one bcrypt compare.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = () => {
    dummyHash ??= bcrypt.hash('not-a-real-password', deps.bcryptCost);
    return dummyHash;
  };

  const expiresAt = (from: Date) =>
    new Date(from.getTime() + deps.refreshTokenTtlSeconds * 1000).toISOString();

  async function issueTokens(userId: string): Promise<Tokens> {
    const now = clock.now();
    const refresh = newRefreshToken();
    await store.saveRefreshToken({
      hash: refresh.hash,
      userId,
      familyId: newId(),
      createdAt: now.toISOString(),
      expiresAt: expiresAt(now),
      spentAt: null,
      revokedAt: null,
    });
    const access = await accessTokens.issue(userId);
    return {
      accessToken: access.token,
      refreshToken: refresh.token,
      tokenType: 'bearer',
      expiresIn: access.expiresIn,
    };
  }

  async function session(user: UserRecord): Promise<Session> {
    return { user: toUser(user), tokens: await issueTokens(user.id) };
  }

  return {
    async register(input: RegisterInput): Promise<Session> {
      const emailKey = input.email.toLowerCase();
      if (await store.getUserByEmail(emailKey)) throw emailTaken();
      const passwordHash = await bcrypt.hash(input.password, deps.bcryptCost);
      try {
        const user = await store.createUser({
          id: newId(),
          email: input.email,
          emailKey,
          displayName: input.displayName ?? input.email.split('@')[0]!,
          avatarUrl: null,
          statusText: null,
          passwordHash,
          createdAt: clock.now().toISOString(),
          deletedAt: null,
        });
        return await session(user);
      } catch (error) {
        if (error instanceof StoreConflictError) throw emailTaken();
        throw error;
      }
    },

    async login(input: LoginInput): Promise<Session> {
      const user = await store.getUserByEmail(input.email.toLowerCase());
      const matches = await bcrypt.compare(input.password, user?.passwordHash ?? (await getDummyHash()));
      if (!user || !matches) throw invalidCredentials();
      return session(user);
    },

    async refresh(refreshToken: string): Promise<Tokens> {
      const now = clock.now();
      const next = newRefreshToken();
      const result = await store.rotateRefreshToken(
        hashRefreshToken(refreshToken),
        {
          hash: next.hash,
          createdAt: now.toISOString(),
          expiresAt: expiresAt(now),
          spentAt: null,
          revokedAt: null,
        },
        now.toISOString(),
      );
      if (result.status !== 'rotated') throw invalidRefreshToken();
      const access = await accessTokens.issue(result.userId);
      return {
        accessToken: access.token,
        refreshToken: next.token,
        tokenType: 'bearer',
        expiresIn: access.expiresIn,
      };
    },

    async logout(refreshToken: string): Promise<void> {
      await store.revokeRefreshTokenFamily(hashRefreshToken(refreshToken), clock.now().toISOString());
    },

    /**
     * Checks `currentPassword`, stores the new one's hash and revokes every refresh token of the
     * user — every other session ends when its access token expires — then answers the tokens
     * of a new session for the caller.
     *
     * @example
     * ```ts
     * const tokens = await auth.changePassword(userId, { currentPassword, newPassword });
     * ```
     */
    async changePassword(userId: string, input: ChangePasswordInput): Promise<Tokens> {
      const user = await store.getUser(userId);
      if (!user) throw new Unauthenticated('This account no longer exists', 'unauthorized');
      if (!(await bcrypt.compare(input.currentPassword, user.passwordHash))) {
        throw new Unauthenticated('The current password is incorrect', 'invalid_credentials');
      }
      const passwordHash = await bcrypt.hash(input.newPassword, deps.bcryptCost);
      if (!(await store.updateUser(userId, { passwordHash }))) {
        throw new Unauthenticated('This account no longer exists', 'unauthorized');
      }
      // After the new hash is stored: a refresh racing this change finds its token revoked.
      await store.revokeRefreshTokensOf(userId, clock.now().toISOString());
      return issueTokens(userId);
    },

    async me(userId: string) {
      const user = await store.getUser(userId);
      if (!user) throw new Unauthenticated('This account no longer exists', 'unauthorized');
      return toUser(user);
    },

    /** Warms the dummy hash so the first unknown-email login costs what the others do. */
    warmUp: () => getDummyHash().then(() => undefined),
  };
}

function emailTaken() {
  return new Conflict('An account with this email already exists: sign in instead', {
    reason: 'email_taken',
    fields: [{ path: ['email'], message: 'Already registered' }],
  });
}

export type AuthService = ReturnType<typeof createAuthService>;
