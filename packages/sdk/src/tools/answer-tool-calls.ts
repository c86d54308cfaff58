/**
 * How a stream goes on when a run of its reply ends waiting for this client: every call of a tool
 * it runs (one with `execute`) is run — at the same time — and answered, and the last answer's
 * request follows the reply on (`POST …/tool-results` as an event stream). A call answered
 * meanwhile elsewhere (409: another tab of the user) is left to that answer; the stream then
 * follows the reply from where it is.
 */
import { ConflictError } from '../client/errors.js';
import type { Transport } from '../client/transport.js';
import type { ChatStreamSource } from '../streaming/chat-stream.js';
import { positionOf } from '../streaming/reply-parts.js';
import { answeredCall } from './answered-calls.js';
import type { ClientTools } from './client-tool.js';
import { pendingToolCalls } from './pending-tool-calls.js';
import { runClientTool, type ToolAnswer } from './run-client-tool.js';

/** Asks for the SSE answer of a route that can also answer JSON. */
export const eventStream = { accept: 'text/event-stream' };

const unlessConflict = (error: unknown) => {
  if (!ConflictError.isInstance(error)) throw error;
};

/** The `proceed` of a stream whose client runs `tools`. */
export function answerToolCalls(
  transport: Transport,
  tools: ClientTools,
): NonNullable<ChatStreamSource['proceed']> {
  /** Calls this stream answered: never run twice, whatever the server says next. */
  const answered = new Set<string>();
  return async (reply, { signal, apply, running }) => {
    const { conversationId, id: messageId, parts } = reply;
    const calls = pendingToolCalls(reply).toolResults.filter(
      ({ toolCallId, toolName }) =>
        !answered.has(toolCallId) && Object.hasOwn(tools, toolName) && tools[toolName]?.execute,
    );
    if (calls.length === 0) return null;
    running(calls);
    const answers = await Promise.all(
      calls.map((call) => {
        const { toolCallId } = call;
        answered.add(toolCallId);
        return runClientTool(tools[call.toolName]!, call, { signal, toolCallId, messageId, conversationId });
      }),
    ).catch((error: unknown) => {
      running([]);
      throw error;
    });
    // The server tells the conversation's participants of each answer, not the request that gives it.
    for (const [i, answer] of answers.entries()) {
      const index = parts.indexOf(calls[i]!);
      apply({
        type: 'message.part',
        conversationId,
        messageId,
        index,
        part: answeredCall(calls[i]!, answer),
      });
    }
    // Answered in `parts` first, so that a UI never sees the calls waiting in between.
    running([]);
    const params = { id: conversationId, messageId };
    const last = answers.pop() as ToolAnswer;
    for (const body of answers) {
      await transport.request('submitToolResult', { params, body, signal }).catch(unlessConflict);
    }
    return (abort) =>
      transport
        .send('submitToolResult', { params, body: last, headers: eventStream, signal: abort })
        .catch((error: unknown) => {
          unlessConflict(error);
          return transport.send('streamMessage', {
            params,
            query: positionOf(parts),
            headers: eventStream,
            signal: abort,
          });
        });
  };
}
