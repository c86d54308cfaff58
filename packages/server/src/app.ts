/**
 * `buildApp(options)` → a ready Fastify instance with every contract route registered. Nothing
 * listens here: tests use a real port or `inject()`, the CLI calls `listen()`.
 */

import { randomUUID } from 'node:crypto';
import { limits as contractLimits, routes } from '@chatwire/sdk/contracts';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Broker, createMemoryBroker } from './broker/broker.js';
import { createFileStorage } from './files/default-storage.js';
import { answerClientError, frameworkErrors, installEdgeRefusals } from './http/edge-errors.js';
import { installErrorEnvelope } from './http/error-envelope.js';
import { formBodyParser } from './http/form-body.js';
import type { RouteHandlers } from './http/handler.js';
import { installMultipart } from './http/multipart-file.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { installRateLimits } from './http/rate-limit.js';
import { registerRoutes } from './http/register-routes.js';
import { installResponseHeaders } from './http/response-headers.js';
import { authHandlers } from './http/routes/auth.js';
import { conversationHandlers } from './http/routes/conversations.js';
import { fileHandlers } from './http/routes/files.js';
import { messageHandlers } from './http/routes/messages.js';
import { serviceHandlers } from './http/routes/service.js';
import { type AppOptions, type AppOptionsInput, resolveOptions } from './options.js';
import { createMemoryPresence } from './presence/presence-directory.js';
import { resolveModels } from './providers/registry.js';
import { CHARS_PER_TOKEN } from './providers/tokens.js';
import { createRealtimeGateway } from './realtime/gateway.js';
import { createActiveReplies } from './replies/active-replies.js';
import { createAssistantReplies } from './replies/assistant-replies.js';
import { createAttachmentLoader } from './replies/attachment-loader.js';
import { createAccessTokens } from './services/access-tokens.js';
import { createAuthService } from './services/auth.js';
import { systemClock } from './services/clock.js';
import { createConversationService } from './services/conversations.js';
import { createDirectUploads } from './services/direct-uploads.js';
import { createFileAccess } from './services/file-access.js';
import { createFileRemoval } from './services/file-removal.js';
import { createFileUrls } from './services/file-urls.js';
import { createHealthCheck } from './services/health.js';
import { loadOrCreateJwtSecret } from './services/jwt-secret.js';
import { createMessageService } from './services/messages.js';
import { createParticipantService } from './services/participants.js';
import { createReplyActions } from './services/replies.js';
import { createSendMessage } from './services/send-message.js';
import { createToolAnswers } from './services/tool-answers.js';
import { createUploadSweep } from './services/upload-sweep.js';
import { createUploads } from './services/uploads.js';
import { createUserService } from './services/users.js';
import { createPresenter } from './services/views.js';
import { createLowdbStore } from './store/lowdb/index.js';
import { createToolRegistry } from './tools/tool-registry.js';

/** A Fastify instance with chatwire's edge: the envelope for every error, headers, refusals, form bodies. */
function createEdge(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            ...(typeof options.logger === 'object' ? options.logger : {}),
            // Tokens never reach the logs: neither headers nor the token endpoints' bodies are logged.
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
          },
    bodyLimit: options.limits.bodyBytes,
    http: { maxHeaderSize: options.limits.headerBytes },
    trustProxy: options.trustProxy,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Errors Fastify and Node answer outside the lifecycle, in the one envelope (edge-errors.ts).
    frameworkErrors,
    clientErrorHandler: answerClientError,
    return503OnClosing: false, // installEdgeRefusals answers 503 in the envelope instead
    forceCloseConnections: 'idle',
  });
  // Every route registered, so a test can hold the server to its contract.
  const registered: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registered.push({ method, url: route.url });
  });
  app.decorate('registeredRoutes', registered);
  installResponseHeaders(app);
  installEdgeRefusals(app);
  installErrorEnvelope(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, formBodyParser);
  return app;
}

/** Builds the chatwire server; close it with `app.close()` (storage is flushed). */
export async function buildApp(input: AppOptionsInput = {}): Promise<FastifyInstance> {
  const options = resolveOptions(input);
  const app = createEdge(options);

  // What buildApp creates it also opens and closes; a store or broker passed in is the caller's
  // (ready to use, and still open after app.close(): several apps may share one).
  const ownsStore = !options.store;
  const ownsBroker = !options.broker;
  const store = options.store ?? createLowdbStore({ dataDir: options.dataDir });
  const broker: Broker = options.broker ?? createMemoryBroker();
  const ownsPresence = !options.presence;
  const presence = options.presence ?? createMemoryPresence();
  if (ownsStore) await store.init();
  const jwtSecret = options.jwtSecret ?? (await loadOrCreateJwtSecret(options.dataDir));
  const models = options.models ?? resolveModels({});
  const clock = systemClock;
  // Uploads' bytes (disk under the data dir, or S3), and the signed URLs messages carry for them.
  const ownsFileStorage = !options.fileStorage;
  const fileStorage =
    options.fileStorage ?? (await createFileStorage({ dataDir: options.dataDir, s3: options.s3 ?? null }));
  const fileUrls = createFileUrls({ secret: jwtSecret, ttlSeconds: options.fileUrlTtlSeconds, clock });

  // A signed token naming no account (data reset, user removed) is refused on every route and socket.
  const accessTokens = createAccessTokens(jwtSecret, options.accessTokenTtlSeconds, {
    subjectExists: async (userId) => (await store.getUser(userId)) !== null,
  });
  const auth = createAuthService({
    store,
    accessTokens,
    clock,
    bcryptCost: options.bcryptCost,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds,
  });
  // Messages leave with fresh signed file URLs; deletes take their files along (file-removal.ts).
  const present = createPresenter({ fileUrls });
  const fileRemoval = createFileRemoval({ store, storage: fileStorage });
  const conversations = createConversationService({
    store,
    broker,
    clock,
    models,
    present,
    files: fileRemoval,
  });
  const participants = createParticipantService({ store, broker, clock, present, files: fileRemoval });
  const activeReplies = createActiveReplies({ disconnectGraceMs: options.disconnectGraceMs });
  // Checked here, at start-up: a bad tool (a name taken twice, a schema no model can read) stops it.
  const tools = createToolRegistry(options.tools);
  const assistants = createAssistantReplies({
    store,
    broker,
    clock,
    models,
    activeReplies,
    ...(options.replies ? { replies: options.replies } : {}),
    onError: (error) => app.log.warn({ err: error }, 'ending the replies of a stopped process failed'),
    tools,
    maxSteps: options.maxSteps,
    toolTimeoutMs: options.toolTimeoutMs,
    toolOutputBytes: options.limits.toolOutputBytes,
    log: app.log,
    contextBudgetTokens: options.contextBudgetTokens,
    // No file's text is longer than the whole budget: the rest could never be sent.
    attachments: createAttachmentLoader({
      store,
      storage: fileStorage,
      maxTextChars: options.contextBudgetTokens * CHARS_PER_TOKEN,
    }),
    realtimeDeltaIntervalMs: options.realtimeDeltaIntervalMs,
  });
  const messageBytes = options.limits.messageBytes;
  const messages = createMessageService({
    store,
    broker,
    clock,
    conversations,
    assistants,
    messageBytes,
    present,
    files: fileRemoval,
  });
  const sendMessage = createSendMessage({
    store,
    broker,
    clock,
    conversations,
    assistants,
    messageBytes,
    tools,
    clientToolSchemaBytes: options.limits.clientToolSchemaBytes,
    present,
  });
  const replyActions = createReplyActions({ store, broker, conversations, assistants });
  const toolAnswers = createToolAnswers({
    store,
    broker,
    conversations,
    assistants,
    tools,
    maxOutputBytes: options.limits.toolOutputBytes,
  });
  // The gateway subscribes to the broker now; its route is registered with the others below.
  const realtime = createRealtimeGateway({
    options: options.realtime,
    frameBytes: options.limits.wsFrameBytes,
    corsOrigins: options.corsOrigins,
    store,
    broker,
    presence,
    authenticate: (token) => accessTokens.verify(token),
    conversations,
    participants,
    sendMessage,
    log: app.log,
  });
  const users = createUserService({ store, presence: realtime.presence });
  const uploadDeps = { store, storage: fileStorage, clock, limits: options.uploads };
  const uploads = createUploads(uploadDeps);
  const directUploads = createDirectUploads(uploadDeps);
  const fileAccess = createFileAccess({ store, clock });
  const stopUploadSweep = createUploadSweep({
    store,
    storage: fileStorage,
    clock,
    onError: (error) => app.log.warn({ err: error }, 'sweeping expired uploads failed'),
  }).start(options.uploads.sweepIntervalMs);
  const health = createHealthCheck({
    store,
    broker,
    files: fileStorage,
    version: options.version,
    startedAt: Date.now(),
  });
  void auth.warmUp();

  await app.register(cors, {
    origin: options.corsOrigins.includes('*') ? true : options.corsOrigins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    // `range` and the download headers: a web app on another origin reads files in parts, by name.
    allowedHeaders: ['authorization', 'content-type', 'accept', 'range'],
    exposedHeaders: ['retry-after', 'x-request-id', 'content-disposition', 'content-range', 'accept-ranges'],
    maxAge: 600,
  });
  const limiters = await installRateLimits(app, options.rateLimits, options.rateLimitStore);
  await installMultipart(app);

  const document = buildOpenApiDocument(routes, { version: options.version });
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: false, tryItOutEnabled: true },
    staticCSP: true,
  });

  const handlers: RouteHandlers = {
    ...authHandlers(auth),
    ...conversationHandlers(conversations, participants),
    ...messageHandlers({ messages, sendMessage, replies: replyActions, toolAnswers }),
    ...serviceHandlers({ health, models, users }),
    ...fileHandlers({
      uploads,
      directUploads,
      access: fileAccess,
      fileUrls,
      storage: fileStorage,
      clock,
      limits: options.uploads,
      maxAttachments: contractLimits.attachmentsPerMessage,
      limitUploads: limiters.uploads,
    }),
    openApiDocument: async () => ({ status: 200, body: document }),
  };
  registerRoutes(app, {
    routes,
    handlers,
    authenticate: (token) => accessTokens.verify(token),
    limiters,
    brokerAvailable: () => broker.available?.() ?? true,
  });
  // `GET /v1/realtime`, the upgrades, and closing sockets with 1001 on `app.close()`.
  realtime.register(app);

  app.addHook('preClose', async () => {
    activeReplies.stopAll();
    stopUploadSweep();
  });
  app.addHook('onClose', async () => {
    assistants.close();
    if (ownsBroker) await broker.close();
    if (ownsPresence) await presence.close();
    if (ownsStore) await store.close();
    if (ownsFileStorage) await fileStorage.close();
  });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app (method + url), in registration order. */
    registeredRoutes: readonly { method: string; url: string }[];
  }
}
