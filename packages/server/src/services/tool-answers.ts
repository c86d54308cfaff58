/**
 * Answering a reply that waits (`awaiting_input`): a client tool's result (`POST …/tool-results`)
 * or a person's approval of a server tool's call (`POST …/tool-approvals`). Only the
 * conversation's participants may answer (an outsider gets the same 404 as for a missing reply).
 *
 * Each answer is recorded on the stored reply in one step (`Store.modifyMessage`): a second answer
 * for one call is `Conflict`, and the answer that leaves nothing waiting stores the reply as
 * `streaming` in that same step — so of two last answers racing, on any processes, exactly one
 * takes the reply on, and runs it (approved calls first, then the model again). Everyone sees the
 * call's new state (`message.part`) at once.
 */
import type { ToolApprovalInput, ToolPart, ToolResultInput } from '@chatwire/sdk/contracts';
import type { Broker } from '../broker/broker.js';
import type { AssistantReplies, TurnListener, TurnOutcome } from '../replies/assistant-replies.js';
import type { MessageRecord, Store } from '../store/store.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { ConversationService } from './conversations.js';
import { Conflict, NotFound } from './errors.js';
import { toMessage } from './views.js';

export interface ToolAnswersDeps {
  store: Store;
  broker: Broker;
  conversations: Pick<ConversationService, 'requireMember'>;
  assistants: AssistantReplies;
  tools: Pick<ToolRegistry, 'get'>;
}

/** What an answer does to the call it names, or why it cannot (a `Conflict`'s message). */
type Answer = (call: ToolPart) => ToolPart | string;

type Verdict =
  | { kind: 'not-waiting'; status: string }
  | { kind: 'no-call' }
  | { kind: 'refused'; message: string }
  | { kind: 'recorded'; index: number; part: ToolPart; goesOn: boolean };

const messageNotFound = () => new NotFound('Message not found');

export function createToolAnswers(deps: ToolAnswersDeps) {
  const { store, broker, conversations, assistants, tools } = deps;

  async function answer(
    userId: string,
    conversationId: string,
    messageId: string,
    toolCallId: string,
    apply: Answer,
    listener?: TurnListener,
  ): Promise<TurnOutcome> {
    const conversation = await conversations.requireMember(userId, conversationId);
    let verdict: Verdict | undefined;
    const after = await store.modifyMessage(conversationId, messageId, (reply) => {
      verdict = undefined;
      if (reply.role !== 'assistant') return null;
      if (reply.status !== 'awaiting_input') {
        verdict = { kind: 'not-waiting', status: reply.status };
        return null;
      }
      const index = reply.parts.findIndex((part) => part.type === 'tool' && part.toolCallId === toolCallId);
      const call = reply.parts[index];
      if (call?.type !== 'tool') {
        verdict = { kind: 'no-call' };
        return null;
      }
      const answered = apply(call);
      if (typeof answered === 'string') {
        verdict = { kind: 'refused', message: answered };
        return null;
      }
      const parts = reply.parts.slice();
      parts[index] = answered;
      const goesOn = assistants.waitingCalls(parts) === 0;
      verdict = { kind: 'recorded', index, part: answered, goesOn };
      return goesOn ? { parts, status: 'streaming' } : { parts };
    });
    if (!after || !verdict) throw messageNotFound();
    switch (verdict.kind) {
      case 'not-waiting':
        throw new Conflict(`This reply waits for no answer (it is ${verdict.status})`);
      case 'no-call':
        throw new NotFound(`This reply has no tool call ${toolCallId}`);
      case 'refused':
        throw new Conflict(verdict.message);
    }
    const answered = {
      type: 'message.part' as const,
      conversationId,
      messageId,
      index: verdict.index,
      part: verdict.part,
    };
    await broker.publish({ recipients: conversation.participantIds, event: answered });
    if (!verdict.goesOn) {
      // Another call still waits: whoever asked to follow gets the answered call and the reply as it stands.
      await listener?.onEvent(answered);
      await listener?.onEvent({ type: 'message.completed', conversationId, message: toMessage(after) });
      return { reply: after, failure: null };
    }
    const prompt = await promptOf(after);
    return assistants.resume({
      conversation,
      reply: after,
      prompt,
      model: assistants.resolveModel(after.model ?? conversation.model),
      userId,
      ...(listener ? { listener } : {}),
    });
  }

  async function promptOf(reply: MessageRecord): Promise<MessageRecord | undefined> {
    if (!reply.promptId) return undefined;
    const prompt = await store.getMessage(reply.conversationId, reply.promptId);
    return prompt && prompt.status !== 'deleted' ? prompt : undefined;
  }

  return {
    /** A client tool's result for a call its reply waits for (`input-available`, a client's tool). */
    submitResult(
      userId: string,
      conversationId: string,
      messageId: string,
      input: ToolResultInput,
      listener?: TurnListener,
    ): Promise<TurnOutcome> {
      return answer(
        userId,
        conversationId,
        messageId,
        input.toolCallId,
        (call) => {
          if (call.state !== 'input-available' || tools.get(call.toolName)) {
            return call.state === 'input-available'
              ? `${call.toolName} is a server tool: the server runs it`
              : `This call has been answered already (it is ${call.state})`;
          }
          return input.errorText !== undefined
            ? { ...call, state: 'output-error', errorText: input.errorText }
            : { ...call, state: 'output-available', output: input.output };
        },
        listener,
      );
    },

    /** A person's approval or denial of a server tool's call waiting for it (`approval-requested`). */
    approve(
      userId: string,
      conversationId: string,
      messageId: string,
      input: ToolApprovalInput,
      listener?: TurnListener,
    ): Promise<TurnOutcome> {
      const approval = { approved: input.approved, ...(input.reason ? { reason: input.reason } : {}) };
      return answer(
        userId,
        conversationId,
        messageId,
        input.toolCallId,
        (call) => {
          if (call.state !== 'approval-requested')
            return `This call waits for no approval (it is ${call.state})`;
          // Approved: it runs when the reply goes on. Denied: the model is told, with the reason.
          return input.approved
            ? { ...call, state: 'input-available', approval }
            : { ...call, state: 'output-denied', approval, errorText: input.reason ?? 'Denied by the user' };
        },
        listener,
      );
    },
  };
}

export type ToolAnswers = ReturnType<typeof createToolAnswers>;
