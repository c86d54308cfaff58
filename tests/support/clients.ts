/**
 * SDK clients signed in against a test server.
 */
import { type ChatwireClient, type ClientOptions, createClient, type User } from '@chatwire/sdk';
import { newAccount } from '@chatwire/server/testing';

export interface SignedIn {
  client: ChatwireClient;
  user: User;
  account: { email: string; password: string; displayName: string };
}

export async function signUp(
  baseUrl: string,
  name = 'user',
  options: Partial<ClientOptions> = {},
): Promise<SignedIn> {
  const client = createClient({ baseUrl, retry: { maxRetries: 0 }, ...options });
  const account = newAccount(name);
  const { user } = await client.auth.register(account);
  return { client, user, account };
}
