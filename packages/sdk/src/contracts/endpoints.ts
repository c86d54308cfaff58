/**
 * Where each route lives: method, path, whether it needs a token, how its body is encoded.
 * Schema-free on purpose: this is all a client needs at run time, so a browser bundle carries
 * none of the input schemas. `routes.ts` spreads each entry into the full contract, so a route's
 * method and path are still declared once, here.
 */
import type { HttpMethod } from './route.js';

/** The run-time part of a route contract. */
export interface Endpoint {
  readonly method: HttpMethod;
  /** Fastify-style path, e.g. `/v1/conversations/:id`. */
  readonly path: string;
  /** Whether a bearer access token is required. */
  readonly auth: boolean;
  /**
   * `form` for `application/x-www-form-urlencoded` (the OAuth2 token endpoint), `multipart` for
   * `multipart/form-data` (an upload's one `file` field, streamed); JSON otherwise.
   */
  readonly bodyType?: 'json' | 'form' | 'multipart';
  /**
   * The answer is bytes, not JSON (a file's content), and a signed URL may stand in for the token:
   * `auth` is then checked by the route itself.
   */
  readonly binary?: true;
  /**
   * A WebSocket endpoint: the server's gateway registers it (not the REST registrar), and its
   * frames are `ClientFrame` / `ServerFrame`.
   */
  readonly websocket?: true;
}

export const endpoints = {
  register: { method: 'POST', path: '/v1/auth/register', auth: false },
  login: { method: 'POST', path: '/v1/auth/login', auth: false },
  token: { method: 'POST', path: '/v1/auth/token', auth: false, bodyType: 'form' },
  refresh: { method: 'POST', path: '/v1/auth/refresh', auth: false },
  logout: { method: 'POST', path: '/v1/auth/logout', auth: false },
  me: { method: 'GET', path: '/v1/auth/me', auth: true },
  searchUsers: { method: 'GET', path: '/v1/users', auth: true },
  updateMe: { method: 'PATCH', path: '/v1/users/me', auth: true },
  changePassword: { method: 'POST', path: '/v1/users/me/password', auth: true },
  deleteMe: { method: 'DELETE', path: '/v1/users/me', auth: true },
  listModels: { method: 'GET', path: '/v1/models', auth: true },
  createConversation: { method: 'POST', path: '/v1/conversations', auth: true },
  listConversations: { method: 'GET', path: '/v1/conversations', auth: true },
  getConversation: { method: 'GET', path: '/v1/conversations/:id', auth: true },
  updateConversation: { method: 'PATCH', path: '/v1/conversations/:id', auth: true },
  deleteConversation: { method: 'DELETE', path: '/v1/conversations/:id', auth: true },
  addParticipants: { method: 'POST', path: '/v1/conversations/:id/participants', auth: true },
  removeParticipant: { method: 'DELETE', path: '/v1/conversations/:id/participants/:userId', auth: true },
  setParticipantRole: { method: 'PATCH', path: '/v1/conversations/:id/participants/:userId', auth: true },
  listPins: { method: 'GET', path: '/v1/conversations/:id/pins', auth: true },
  pinMessage: { method: 'POST', path: '/v1/conversations/:id/pins', auth: true },
  unpinMessage: { method: 'DELETE', path: '/v1/conversations/:id/pins/:messageId', auth: true },
  markRead: { method: 'POST', path: '/v1/conversations/:id/read', auth: true },
  listMessages: { method: 'GET', path: '/v1/conversations/:id/messages', auth: true },
  sendMessage: { method: 'POST', path: '/v1/conversations/:id/messages', auth: true },
  editMessage: { method: 'PATCH', path: '/v1/conversations/:id/messages/:messageId', auth: true },
  deleteMessage: { method: 'DELETE', path: '/v1/conversations/:id/messages/:messageId', auth: true },
  addReaction: { method: 'POST', path: '/v1/conversations/:id/messages/:messageId/reactions', auth: true },
  removeReaction: {
    method: 'DELETE',
    path: '/v1/conversations/:id/messages/:messageId/reactions/:emoji',
    auth: true,
  },
  listReplies: { method: 'GET', path: '/v1/conversations/:id/messages/:messageId/replies', auth: true },
  listThreads: { method: 'GET', path: '/v1/conversations/:id/threads', auth: true },
  regenerate: { method: 'POST', path: '/v1/conversations/:id/messages/:messageId/regenerate', auth: true },
  streamMessage: { method: 'GET', path: '/v1/conversations/:id/messages/:messageId/stream', auth: true },
  stopMessage: { method: 'POST', path: '/v1/conversations/:id/messages/:messageId/stop', auth: true },
  submitToolResult: {
    method: 'POST',
    path: '/v1/conversations/:id/messages/:messageId/tool-results',
    auth: true,
  },
  approveToolCall: {
    method: 'POST',
    path: '/v1/conversations/:id/messages/:messageId/tool-approvals',
    auth: true,
  },
  uploadOptions: { method: 'GET', path: '/v1/uploads/options', auth: true },
  uploadFile: { method: 'POST', path: '/v1/uploads', auth: true, bodyType: 'multipart' },
  createDirectUpload: { method: 'POST', path: '/v1/uploads/direct', auth: true },
  completeDirectUpload: { method: 'POST', path: '/v1/uploads/:id/complete', auth: true },
  getFile: { method: 'GET', path: '/v1/files/:id', auth: true },
  downloadFile: { method: 'GET', path: '/v1/files/:id/content', auth: false, binary: true },
  realtime: { method: 'GET', path: '/v1/realtime', auth: false, websocket: true },
  health: { method: 'GET', path: '/health', auth: false },
  openApiDocument: { method: 'GET', path: '/openapi.json', auth: false },
  searchMessages: { method: 'GET', path: '/v1/search/messages', auth: true },
} as const satisfies Record<string, Endpoint>;

/** An operation id, e.g. `'sendMessage'`. */
export type EndpointName = keyof typeof endpoints;
