/**
 * A `ToolContext` for the tools' tests: fixed ids, a signal of the test's own and a logger that
 * keeps what it was told.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ToolContext } from './define-tool.js';

/** One line a tool (or the code running it) logged. */
export interface LoggedLine {
  level: string;
  args: unknown[];
}

/** A pino-shaped logger that records its lines (children share them). */
export function recordingLogger(lines: LoggedLine[] = []): FastifyBaseLogger & { lines: LoggedLine[] } {
  const line =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, args });
    };
  const logger = {
    lines,
    level: 'trace',
    fatal: line('fatal'),
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    trace: line('trace'),
    silent: () => {},
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger & { lines: LoggedLine[] };
}

/** A context for one call; `controller` stops it as a stop of the reply would. */
export function fakeToolContext(overrides: Partial<ToolContext> = {}) {
  const controller = new AbortController();
  const log = recordingLogger();
  const context: ToolContext = {
    userId: 'user-1',
    conversationId: 'conversation-1',
    messageId: 'message-1',
    toolCallId: 'call-1',
    signal: controller.signal,
    log,
    ...overrides,
  };
  return { context, controller, log };
}
