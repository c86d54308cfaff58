/**
 * Answers to the tool calls a reply waits for, given through the store: a client tool's result or
 * a person's approval, shown at once, then sent on the stream the reply goes on in. The calls
 * answered here are remembered, as a copy of their reply from before the answer (the WebSocket
 * lagging behind our stream) is stale.
 */
import { ConflictError } from '../client/errors.js';
import type { ToolApprovalInput, ToolResultInput } from '../contracts/inputs.js';
import type { PartEvent } from '../streaming/reply-parts.js';
import { answeredCall, approvedCall, withToolCall } from '../tools/answered-calls.js';
import type { ClientTools } from '../tools/client-tool.js';
import { pendingToolCalls } from '../tools/pending-tool-calls.js';
import { updateMessage } from './message-list.js';
import type { StoreContext } from './store-context.js';
import type { ChatMessage } from './types.js';

/** A client tool's result for a call a reply waits for: the body of `POST …/tool-results`. */
export type ToolResultAnswer = ToolResultInput;

/** A person's answer to a tool call waiting for approval: the body of `POST …/tool-approvals`. */
export type ToolApprovalAnswer = ToolApprovalInput;

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
      const approval = 'approved' in given;
      const pending = pendingToolCalls(reply)[approval ? 'approvals' : 'toolResults'];
      // Only a call still waiting shows the answer at once: one answered already (elsewhere, a
      // second click) keeps its state, and the server's refusal (409) becomes the turn's error.
      const shown = pending.some((call) => call.toolCallId === toolCallId)
        ? (withToolCall(reply.parts, toolCallId, (call) =>
            approval ? approvedCall(call, given) : answeredCall(call, given),
          ) as ChatMessage['parts'])
        : undefined;
      if (shown) {
        answered.add(toolCallId);
        ctx.setTurn(conversationId, { status: 'submitted', replyId: reply.id, error: null });
        ctx.upsert(conversationId, { ...reply, parts: shown });
      }
      const input = { ...given, parts: reply.parts, tools: ctx.toolsWith(tools) };
      const { messages } = ctx.client;
      const stream = approval
        ? messages.approveToolCallStream(conversationId, reply.id, input as ToolApprovalAnswer & typeof input)
        : messages.submitToolResultStream(conversationId, reply.id, input);
      // The answer did not take (offline, a server error): the call waits again, so that it can be
      // answered again — unless it was refused (answered elsewhere: the server's state comes) or
      // the reply changed since (it went on).
      stream.finalMessage().catch((error: unknown) => {
        if (!shown || ConflictError.isInstance(error)) return;
        answered.delete(toolCallId);
        ctx.updateItems(conversationId, (items) =>
          updateMessage(items, reply.id, (message) =>
            message.parts === shown ? { ...message, parts: reply.parts } : message,
          ),
        );
      });
      return stream;
    },
    clear() {
      answered.clear();
    },
  };
}
