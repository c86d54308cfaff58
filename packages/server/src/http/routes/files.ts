/**
 * `/v1/uploads` and `/v1/files` handlers: HTTP to the upload use cases and back. An upload's body
 * is streamed from the multipart parser into the use case; a download streams from the storage.
 */

import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { FileStorage } from '../../files/file-storage.js';
import type { UploadLimits } from '../../options.js';
import type { Clock } from '../../services/clock.js';
import type { DirectUploads } from '../../services/direct-uploads.js';
import { type FileAccess, fileNotFound } from '../../services/file-access.js';
import type { FileUrls } from '../../services/file-urls.js';
import { storageUnavailable } from '../../services/storage-unavailable.js';
import { toUploadedFile } from '../../services/upload-rules.js';
import type { Uploads } from '../../services/uploads.js';
import { requestedRange, setDownloadHeaders } from '../file-download.js';
import { type RequestContext, type RouteHandlers, streamed } from '../handler.js';
import { closeAfterRefusal, openUploadPart } from '../multipart-file.js';
import type { RateCheck } from '../rate-limit.js';

type FileHandlers = Pick<
  RouteHandlers,
  'uploadOptions' | 'uploadFile' | 'createDirectUpload' | 'completeDirectUpload' | 'getFile' | 'downloadFile'
>;

export interface FileHandlerDeps {
  uploads: Uploads;
  directUploads: DirectUploads;
  access: FileAccess;
  fileUrls: FileUrls;
  storage: Pick<FileStorage, 'read'>;
  clock: Clock;
  limits: UploadLimits;
  maxAttachments: number;
  /** The per-user uploads bucket (`RATE_LIMIT_UPLOADS_PER_MINUTE`), drawn from besides the per-user one. */
  limitUploads: RateCheck;
}

/** Aborted when the client goes away before its upload has been answered. */
function abortedOnClose(context: RequestContext): AbortSignal {
  const controller = new AbortController();
  const response = context.reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function fileHandlers(deps: FileHandlerDeps): FileHandlers {
  const { uploads, directUploads, access, fileUrls, storage, clock, limits } = deps;

  /** Who may read the file this download asks for: a bearer's user, or a signed URL's holder. */
  async function downloadable(
    fileId: string,
    query: { expires?: number | undefined; signature?: string | undefined },
    userId: string | null,
  ) {
    if (userId !== null) return { file: await access.readable(userId, fileId), cacheSeconds: null };
    const { expires, signature } = query;
    // A bad or expired signature answers as a missing file: a guessed URL learns nothing.
    if (expires === undefined || signature === undefined || !fileUrls.verify(fileId, expires, signature))
      throw fileNotFound();
    const remaining = expires - clock.now().getTime() / 1000;
    return { file: await access.signed(fileId), cacheSeconds: remaining };
  }

  return {
    uploadOptions: async () => ({
      status: 200,
      body: {
        maxBytes: limits.maxBytes,
        mediaTypes: limits.mediaTypes,
        maxAttachments: deps.maxAttachments,
        direct: directUploads.available,
      },
    }),

    uploadFile: async (_input, context) => {
      try {
        await deps.limitUploads(context.request, context.userId);
        const part = await openUploadPart(context.request, limits.maxBytes);
        const file = await uploads.upload(context.userId, {
          body: part.body,
          name: part.filename,
          claimedType: part.mimetype,
          signal: abortedOnClose(context),
        });
        try {
          await part.finish();
        } catch (error) {
          await uploads.discard(file);
          throw error;
        }
        return { status: 201, body: toUploadedFile(file) };
      } catch (error) {
        closeAfterRefusal(context.reply);
        throw error;
      }
    },

    createDirectUpload: async ({ body }, context) => {
      await deps.limitUploads(context.request, context.userId);
      return { status: 201, body: await directUploads.create(context.userId, body) };
    },

    completeDirectUpload: async ({ params }, context) => {
      // A complete reads the whole object from the bucket: as costly as an upload, counted as one.
      await deps.limitUploads(context.request, context.userId);
      return { status: 200, body: toUploadedFile(await directUploads.complete(context.userId, params.id)) };
    },

    getFile: async ({ params }, { userId }) => ({
      status: 200,
      body: toUploadedFile(await access.readable(userId, params.id)),
    }),

    downloadFile: async ({ params, query }, context) => {
      const { file, cacheSeconds } = await downloadable(params.id, query, context.userId);
      const range = requestedRange(headerOf(context.request, 'range'), file.size);
      if (context.request.method === 'HEAD') {
        // Fastify's automatic HEAD route runs this handler and drops the body: answered from the
        // record instead, so a HEAD does not read a whole object out of the storage. An empty
        // stream, because the HEAD route sets `Content-Length: 0` for an empty payload.
        setDownloadHeaders(context.reply, file, range, cacheSeconds);
        context.reply.send(Readable.from([]));
        return streamed;
      }
      const bytes = await storage.read(file.storageKey, range).catch((error: unknown) => {
        throw storageUnavailable(error);
      });
      if (!bytes) throw fileNotFound(); // deleted between the look-up and the read
      setDownloadHeaders(context.reply, file, range, cacheSeconds);
      context.reply.send(bytes);
      return streamed;
    },
  };
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
