/**
 * The HTTP side of `buildApp`: CORS, rate limits, multipart, the OpenAPI document and its UI,
 * every contract route bound to its handler, and the WebSocket route.
 */
import { limits as contractLimits, routes } from '@chatwire/sdk/contracts';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { FileServices } from './app-files.js';
import type { AppSeams } from './app-seams.js';
import type { AppServices } from './app-services.js';
import type { RouteHandlers } from './http/handler.js';
import { installMultipart } from './http/multipart-file.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { installRateLimits } from './http/rate-limit.js';
import { registerRoutes } from './http/register-routes.js';
import { authHandlers } from './http/routes/auth.js';
import { conversationHandlers } from './http/routes/conversations.js';
import { fileHandlers } from './http/routes/files.js';
import { messageHandlers } from './http/routes/messages.js';
import { pinHandlers } from './http/routes/pins.js';
import { reactionHandlers } from './http/routes/reactions.js';
import { searchHandlers } from './http/routes/search.js';
import { serviceHandlers } from './http/routes/service.js';
import { threadHandlers } from './http/routes/threads.js';
import { userHandlers } from './http/routes/users.js';
import type { AppOptions } from './options.js';

export async function installRoutes(
  app: FastifyInstance,
  options: AppOptions,
  wired: { seams: AppSeams; files: FileServices; services: AppServices },
): Promise<void> {
  const { seams, files, services } = wired;
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

  const { messages, sendMessage, replyActions, toolAnswers } = services;
  const handlers: RouteHandlers = {
    ...authHandlers(services.auth),
    ...conversationHandlers(services.conversations, services.participants),
    ...messageHandlers({ messages, sendMessage, replies: replyActions, toolAnswers }),
    ...reactionHandlers(services.reactions),
    // After the conversation handlers: its `markRead` also moves a thread's marker.
    ...threadHandlers(services.threads, services.participants),
    ...pinHandlers({ pins: services.pins, roles: services.roles }),
    ...serviceHandlers({ health: services.health, models: seams.models, users: services.users }),
    ...userHandlers({
      users: services.users,
      auth: services.auth,
      accountDeletion: services.accountDeletion,
    }),
    ...fileHandlers({
      uploads: files.uploads,
      directUploads: files.directUploads,
      access: files.access,
      fileUrls: files.urls,
      storage: seams.fileStorage,
      clock: seams.clock,
      limits: options.uploads,
      maxAttachments: contractLimits.attachmentsPerMessage,
      limitUploads: limiters.uploads,
    }),
    ...searchHandlers(services.search, limiters.search),
    openApiDocument: async () => ({ status: 200, body: document }),
  };
  registerRoutes(app, {
    routes,
    handlers,
    authenticate: (token) => services.accessTokens.verify(token),
    limiters,
    brokerAvailable: () => seams.broker.available?.() ?? true,
  });
  // `GET /v1/realtime`, the upgrades, and closing sockets with 1001 on `app.close()`.
  services.realtime.register(app);
}
