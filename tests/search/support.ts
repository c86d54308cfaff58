/**
 * The search journeys' wire helpers: send, edit and delete over REST, and the search route as a
 * user sees it. No SDK here: these hold the server to the wire (`sdk.test.ts` covers the client).
 */
import type { Message, SearchPage } from '@chatwire/sdk/contracts';
import { call, type JsonResponse, type TestServer, type TestUser } from '@chatwire/server/testing';

/** What the search route answers: a page (200) or the error envelope (its status says which). */
export type SearchAnswer = SearchPage & { error: { code: string; message: string; requestId: string } };

/** `GET /v1/search/messages` as `user` with these query parameters. */
export function search(
  server: TestServer,
  user: TestUser,
  query: Record<string, string | number>,
): Promise<JsonResponse<SearchAnswer>> {
  const params = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  return call<SearchAnswer>(`${server.url}/v1/search/messages?${params}`, { token: user.token });
}

/** The contents `user` finds for `q` (first page of 50), best first. */
export async function found(
  server: TestServer,
  user: TestUser,
  q: string,
  extra: Record<string, string> = {},
) {
  const answer = await search(server, user, { q, limit: 50, ...extra });
  if (answer.status !== 200) throw new Error(`search failed: ${answer.status} ${answer.text}`);
  return answer.body.items.map((hit) => hit.message.content);
}

/** `user` sends `content` to the conversation over REST; resolves with the stored message. */
export async function say(server: TestServer, user: TestUser, conversationId: string, content: string) {
  const sent = await call(`${server.url}/v1/conversations/${conversationId}/messages`, {
    token: user.token,
    body: { content },
  });
  if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${sent.text}`);
  return sent.body.message as Message;
}

/** `owner` starts a group with `others` over REST; resolves with its id. */
export async function group(server: TestServer, owner: TestUser, others: TestUser[]) {
  const created = await call(`${server.url}/v1/conversations`, {
    token: owner.token,
    body: { type: 'group', title: 'Group', participantIds: others.map((other) => other.id) },
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  return created.body.id as string;
}

/** The highlighted words of a hit: `content.slice(start, end)` of each highlight. */
export function marked(hit: SearchPage['items'][number]): string[] {
  return hit.highlights.map(({ start, end }) => hit.message.content.slice(start, end));
}
