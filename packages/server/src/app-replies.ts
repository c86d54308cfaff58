/** The assistant-reply pipeline `buildApp` wires: the active replies, the tools, the replies themselves. */
import type { FastifyBaseLogger } from 'fastify';
import type { AppSeams } from './app-seams.js';
import type { AppOptions } from './options.js';
import { CHARS_PER_TOKEN } from './providers/tokens.js';
import { createActiveReplies } from './replies/active-replies.js';
import { createAssistantReplies } from './replies/assistant-replies.js';
import { createAttachmentLoader } from './replies/attachment-loader.js';
import { createToolRegistry } from './tools/tool-registry.js';

export function createReplyPipeline(options: AppOptions, seams: AppSeams, log: FastifyBaseLogger) {
  const { store, fileStorage } = seams;
  const activeReplies = createActiveReplies({ disconnectGraceMs: options.disconnectGraceMs });
  // Checked here, at start-up: a bad tool (a name taken twice, a schema no model can read) stops it.
  const tools = createToolRegistry(options.tools);
  const assistants = createAssistantReplies({
    store,
    broker: seams.broker,
    clock: seams.clock,
    models: seams.models,
    activeReplies,
    ...(options.replies ? { replies: options.replies } : {}),
    onError: (error) => log.warn({ err: error }, 'ending the replies of a stopped process failed'),
    tools,
    maxSteps: options.maxSteps,
    toolTimeoutMs: options.toolTimeoutMs,
    toolOutputBytes: options.limits.toolOutputBytes,
    log,
    contextBudgetTokens: options.contextBudgetTokens,
    peopleNamed: options.assistantPeopleNamed,
    // No file's text is longer than the whole budget: the rest could never be sent.
    attachments: createAttachmentLoader({
      store,
      storage: fileStorage,
      maxTextChars: options.contextBudgetTokens * CHARS_PER_TOKEN,
      maxImageBytes: options.modelImageMaxBytes,
    }),
    realtimeDeltaIntervalMs: options.realtimeDeltaIntervalMs,
  });
  return { activeReplies, tools, assistants };
}

export type ReplyPipeline = ReturnType<typeof createReplyPipeline>;
