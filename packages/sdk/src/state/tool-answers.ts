/**
 * Answers to the tool calls a reply waits for, given through the store: a client tool's result or
 * a person's approval, shown at once, then sent on the stream the reply goes on in. The calls
 * answered here are remembered, as a copy of their reply from before the answer (the WebSocket
 * lagging behind our stream) is stale.
 */
import type { PartEvent } from '../streaming/reply-parts.js';
import { answeredCall, approvedCall, withToolCall } from '../tools/answered-calls.js';
import type { ClientTools } from '../tools/client-tool.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage } from './types.js';

/** A client tool's result for a call a reply waits for. */
export interface ToolResultAnswer {
  toolCallId: string;
  output?: unknown;
  errorText?: string | undefined;
}

/** A person's answer to a tool call waiting for approval. */
export interface ToolApprovalAnswer {
  toolCallId: string;
  approved: boolean;
  reason?: string | undefined;
}

export type ToolAnswers = ReturnType<typeof createToolAnswers>;

export function createToolAnswers(ctx: StoreContext) {
  /** Tool calls this store answered: a copy of their reply from before the answer is stale. */
  const answered = new Set<string>();

  /** The reply of the conversation that made the call `toolCallId`. */
  const replyWith = (conversationId: string, toolCallId: string) =>
    ctx
      .get()
      .messages[conversationId]?.items.find((message) =>
        message.parts.some((part) => part.type === 'tool' && part.toolCallId === toolCallId),
      );

  return {
    /** A part or a delta a stream of ours brought: a call with its output is answered. */
    streamed(event: PartEvent) {
      if (
        event.type === 'message.part' &&
        event.part.type === 'tool' &&
        event.part.state.startsWith('output')
      )
        answered.add(event.part.toolCallId);
    },
    /** Whether a reply waiting for `calls` is a copy from before our answer to one of them. */
    predates(calls: readonly { toolCallId: string }[]) {
      return calls.some((call) => answered.has(call.toolCallId));
    },
    /**
     * Answers a call (a result, or an approval), shown at once: the stream the reply goes on in
     * (or keeps waiting for the others), `undefined` when no reply made the call. `tools` run in
     * what follows, besides the store's.
     */
    answer(conversationId: string, given: ToolResultAnswer | ToolApprovalAnswer, tools?: ClientTools) {
      const { toolCallId } = given;
      const reply = replyWith(conversationId, toolCallId);
      if (!reply) return undefined;
      answered.add(toolCallId);
      const approval = 'approved' in given;
      const parts = withToolCall(reply.parts, toolCallId, (call) =>
        approval ? approvedCall(call, given) : answeredCall(call, given),
      );
      ctx.setTurn(conversationId, { status: 'submitted', replyId: reply.id, error: null });
      ctx.upsert(conversationId, { ...reply, parts: parts as ChatMessage['parts'] });
      const input = { ...given, parts: reply.parts, tools: ctx.toolsWith(tools) };
      const { messages } = ctx.client;
      return approval
        ? messages.approveToolCallStream(conversationId, reply.id, input as ToolApprovalAnswer & typeof input)
        : messages.submitToolResultStream(conversationId, reply.id, input);
    },
    clear() {
      answered.clear();
    },
  };
}
