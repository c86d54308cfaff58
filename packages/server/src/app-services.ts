/**
 * The use cases `buildApp` wires over its seams: accounts, conversations, messages (with the
 * reply pipeline), the WebSocket gateway, users and health. Creating them starts no I/O of its
 * own, except the gateway's broker subscription and the reply pipeline's sweep of dead producers.
 */

import bcrypt from 'bcryptjs';
import type { FastifyBaseLogger } from 'fastify';
import type { FileServices } from './app-files.js';
import { createReplyPipeline, type ReplyPipeline } from './app-replies.js';
import type { AppSeams } from './app-seams.js';
import type { AppOptions } from './options.js';
import { createRealtimeGateway } from './realtime/gateway.js';
import { createAccessTokens } from './services/access-tokens.js';
import { createAccountDeletion } from './services/account-deletion.js';
import { createAuthService } from './services/auth.js';
import { type ConversationService, createConversationService } from './services/conversations.js';
import { createHealthCheck } from './services/health.js';
import { createMessageService } from './services/messages.js';
import { createParticipantService } from './services/participants.js';
import { createPinService } from './services/pins.js';
import { createReactionService } from './services/reactions.js';
import { createReplyActions } from './services/replies.js';
import { createRoleService } from './services/roles.js';
import { createSearchService } from './services/search.js';
import { createSendMessage } from './services/send-message.js';
import { createThreadService } from './services/threads.js';
import { createToolAnswers } from './services/tool-answers.js';
import { createUserService } from './services/users.js';
import { createPresenter, type Presenter } from './services/views.js';

/**
 * Sending, reading and changing messages, reacting to them, stopping and regenerating replies,
 * answering tool calls.
 */
function createMessageServices(
  options: AppOptions,
  seams: AppSeams,
  deps: {
    conversations: ConversationService;
    pipeline: ReplyPipeline;
    present: Presenter;
    files: FileServices;
  },
) {
  const { store, broker, clock } = seams;
  const { conversations, present } = deps;
  const { assistants, tools } = deps.pipeline;
  // What reading/changing messages and sending them both work with.
  const messageDeps = {
    store,
    broker,
    clock,
    conversations,
    assistants,
    messageBytes: options.limits.messageBytes,
    present,
  };
  const threads = createThreadService({
    store,
    broker,
    conversations,
    present,
    threadsListed: options.limits.threadsListed,
  });
  return {
    messages: createMessageService({ ...messageDeps, files: deps.files.removal, threads }),
    sendMessage: createSendMessage({
      ...messageDeps,
      tools,
      clientToolSchemaBytes: options.limits.clientToolSchemaBytes,
      threads,
      quoteSnapshotChars: options.limits.quoteSnapshotChars,
    }),
    threads,
    reactions: createReactionService({
      store,
      broker,
      conversations,
      present,
      reactionsPerMessage: options.limits.reactionsPerMessage,
    }),
    pins: createPinService({
      store,
      broker,
      clock,
      conversations,
      present,
      pinsPerConversation: options.limits.pinsPerConversation,
    }),
    replyActions: createReplyActions({ store, broker, conversations, assistants }),
    toolAnswers: createToolAnswers({
      store,
      broker,
      conversations,
      assistants,
      tools,
      maxOutputBytes: options.limits.toolOutputBytes,
    }),
  };
}

export function createServices(
  options: AppOptions,
  seams: AppSeams,
  files: FileServices,
  log: FastifyBaseLogger,
) {
  const { store, broker, presence, clock, models } = seams;
  // A signed token naming no account (data reset, user removed) is refused on every route and socket.
  const accessTokens = createAccessTokens(seams.jwtSecret, options.accessTokenTtlSeconds, {
    subjectExists: async (userId) => {
      const user = await store.getUser(userId);
      return user !== null && user.deletedAt === null;
    },
  });

  const auth = createAuthService({
    store,
    accessTokens,
    clock,
    bcryptCost: options.bcryptCost,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds,
  });
  // Messages leave with fresh signed file URLs; deletes take their files along (file-removal.ts).
  const present = createPresenter({ fileUrls: files.urls });
  const conversations = createConversationService({
    store,
    broker,
    clock,
    models,
    present,
    files: files.removal,
  });
  const participants = createParticipantService({
    store,
    broker,
    clock,
    present,
    models,
    files: files.removal,
    readReceiptsMaxConversationSize: options.limits.readReceiptsMaxConversationSize,
  });
  const roles = createRoleService({ store, broker, clock, present });
  const accountDeletion = createAccountDeletion({
    store,
    broker,
    clock,
    conversations,
    files: files.removal,
    passwordMatches: (password, hash) => bcrypt.compare(password, hash),
  });
  const pipeline = createReplyPipeline(options, seams, log);
  const messaging = createMessageServices(options, seams, { conversations, pipeline, present, files });
  // The gateway subscribes to the broker now; its route is registered with the others (app-routes.ts).
  const realtime = createRealtimeGateway({
    options: options.realtime,
    frameBytes: options.limits.wsFrameBytes,
    corsOrigins: options.corsOrigins,
    store,
    broker,
    presence,
    authenticate: (token) => accessTokens.verify(token),
    // On every process: a deleted account's remembered tokens stop working at once.
    onAccountDeleted: (userId) => accessTokens.forgetSubject(userId),
    conversations,
    participants,
    sendMessage: messaging.sendMessage,
    log,
  });
  return {
    accessTokens,
    auth,
    conversations,
    participants,
    roles,
    accountDeletion,
    ...pipeline,
    ...messaging,
    realtime,
    users: createUserService({ store, broker, presence: realtime.presence }),
    search: createSearchService({ store, conversations, present, clock }),
    health: createHealthCheck({
      store,
      broker,
      files: seams.fileStorage,
      version: options.version,
      startedAt: Date.now(),
    }),
  };
}

export type AppServices = ReturnType<typeof createServices>;
