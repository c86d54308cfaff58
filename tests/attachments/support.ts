/**
 * The attachments journeys' raw-wire helpers (the stacks they run on are in stacks.ts): multipart
 * uploads with `fetch`, sends over REST and over the WebSocket, downloads, real PNG bytes. No SDK:
 * these hold the server to the wire.
 */
import { createHash } from 'node:crypto';
import type { ServerFrame } from '@chatwire/sdk/contracts';
import {
  call,
  connectRealtime,
  type JsonResponse,
  type TestServer,
  type TestSocket,
  type TestUser,
} from '@chatwire/server/testing';
import { pngBytes } from '../../packages/server/src/http/routes/files.test-support.js';

/** A real (grey, 8-bit) PNG of `width` × `height`: sniffed as image/png, sized by image-size. */
export const png = pngBytes;

/** Hex SHA-256 of `bytes`: what an upload's `sha256` says. */
export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What `POST /v1/uploads` answers. */
export interface Upload {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  width?: number;
  height?: number;
  sha256: string;
}

/** Uploads `bytes` as `user` (multipart, one `file` field) and expects a 201. */
export async function upload(
  server: TestServer,
  user: TestUser,
  bytes: Buffer = png(3, 2),
  name = 'dot.png',
): Promise<Upload> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), name);
  const response = await fetch(`${server.url}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}` },
    body: form,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${text}`);
  return JSON.parse(text) as Upload;
}

/** Uploads `count` small PNGs as `user`. */
export function uploads(server: TestServer, user: TestUser, count: number): Promise<Upload[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => upload(server, user, png(i + 1, 1), `p${i}.png`)),
  );
}

/** A send's body. */
export interface SendBody {
  content?: string;
  attachments?: { fileId: string }[];
  clientMessageId?: string;
}

/** `POST /v1/conversations/:id/messages` as `user`. */
export function sendRest(server: TestServer, user: TestUser, conversationId: string, body: SendBody) {
  return call(`${server.url}/v1/conversations/${conversationId}/messages`, { token: user.token, body });
}

let sends = 0;
/** A fresh `clientMessageId`. */
export const clientId = () => `c-${Date.now().toString(36)}-${++sends}`;

/** What a send over the WebSocket came to: the `ack`, or the `error` frame naming it. */
export type WsOutcome = Extract<ServerFrame, { type: 'ack' }> | Extract<ServerFrame, { type: 'error' }>;

/** `message.send` on `socket`; resolves with its `ack` or its `error` frame. */
export async function sendWs(socket: TestSocket, conversationId: string, body: SendBody): Promise<WsOutcome> {
  const clientMessageId = body.clientMessageId ?? clientId();
  socket.send({ type: 'message.send', conversationId, ...body, clientMessageId } as never);
  return (await socket.waitFor(
    (frame) =>
      (frame.type === 'ack' && frame.clientMessageId === clientMessageId) ||
      (frame.type === 'error' && frame.ref === clientMessageId),
  )) as WsOutcome;
}

/** The envelope of a REST error answer, as far as `refusalOf` reads it. */
interface RestErrorBody {
  error?: { code: string; details?: { path: unknown[] }[] };
}

/** A REST error answer and a WebSocket error frame, side by side: code and problem paths (no `body`). */
export function refusalOf(answer: JsonResponse | WsOutcome): { code: string; paths: string[] } {
  if ('status' in answer) {
    const error = (answer.body as RestErrorBody | undefined)?.error;
    return {
      code: error?.code ?? '',
      paths: (error?.details ?? []).map((d) => d.path.slice(1).join('.')),
    };
  }
  if (answer.type !== 'error') throw new Error(`expected an error frame, got ${JSON.stringify(answer)}`);
  return { code: answer.code, paths: (answer.details ?? []).map((d) => d.path.join('.')) };
}

/** Resolves a part's signed path against the server. */
export const absolute = (server: TestServer, url: string) => new URL(url, server.url).toString();

/** `GET` of a file's bytes: by its signed URL, or by id with a bearer token. */
export async function download(
  server: TestServer,
  target: { url: string } | { fileId: string; token: string },
): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response =
    'url' in target
      ? await fetch(absolute(server, target.url))
      : await fetch(`${server.url}/v1/files/${target.fileId}/content`, {
          headers: { authorization: `Bearer ${target.token}` },
        });
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    headers: response.headers,
  };
}

/** `owner` starts a group with `others` over REST; resolves with its id. */
export async function groupOf(server: TestServer, owner: TestUser, others: TestUser[]): Promise<string> {
  const response = await call(`${server.url}/v1/conversations`, {
    token: owner.token,
    body: { type: 'group', title: 'attachments', participantIds: others.map((other) => other.id) },
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body.id as string;
}

/** Opens an authenticated socket for `user`. */
export const socketOf = (server: TestServer, user: TestUser) =>
  connectRealtime(server.url, { token: user.token });
