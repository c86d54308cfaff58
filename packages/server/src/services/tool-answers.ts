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
import type { ResolvedModel } from '../providers/registry.js';
import type { AssistantReplies, TurnListener, TurnOutcome } from '../replies/assistant-replies.js';
import { jsonHasNul } from '../store/storable-text.js';
import type { MessagePatch, MessageRecord, Store } from '../store/store.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { ConversationService } from './conversations.js';
import { Conflict, Invalid, NotFound } from './errors.js';
import { toMessage } from './views.js';

export interface ToolAnswersDeps {
  store: Store;
  broker: Broker;
  conversations: Pick<ConversationService, 'requireMember'>;
  assistants: AssistantReplies;
  tools: Pick<ToolRegistry, 'get'>;
  /**
   * Largest client tool output, bytes of JSON (`limits.toolOutputBytes`): the same bound as a
   * server tool's, so that what the model is given back is bounded whoever ran the tool.
   */
  maxOutputBytes: number;
}

/** What an answer does to the call it names, or why it cannot (a `Conflict`'s message). */
type Answer = (call: ToolPart) => ToolPart | string;

type Verdict =
  | { kind: 'not-waiting'; status: string }
  | { kind: 'no-call' }
  | { kind: 'refused'; message: string }
  | { kind: 'recorded'; index: number; part: ToolPart; goesOn: boolean };

const messageNotFound = () => new NotFound('Message not found');

/**
 * A client's output as the store and the model get it: JSON that can be written back, within
 * `maxBytes` of it. One nested deeper than that (`[[[…]]]`, within the body limit), one holding
 * U+0000 (which PostgreSQL cannot store; lowdb would, and the stores keep the same data), or one
 * over the limit is `Invalid` — not a failed write, which the client would be told to retry — and
 * checked before anything is recorded, so the call still waits for a result that fits.
 */
function checkOutput(output: unknown, maxBytes: number): void {
  let json: string;
  try {
    json = JSON.stringify(output) ?? '';
  } catch {
    throw new Invalid('The output is nested too deeply', [
      { path: ['output'], message: 'Nested too deeply: send it flatter' },
    ]);
  }
  if (jsonHasNul(json)) {
    throw new Invalid('The output contains U+0000 (NUL), which cannot be stored', [
      { path: ['output'], message: 'Must not contain U+0000 (NUL)' },
    ]);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) {
    const message = `The output is ${bytes} bytes of JSON, over the limit of ${maxBytes} (TOOL_OUTPUT_MAX_BYTES): send less`;
    throw new Invalid(message, [{ path: ['output'], message }]);
  }
}

/** What an answer does to the stored reply: its patch (`null`: none), why, and the model that goes on. */
interface Recorded {
  patch: MessagePatch | null;
  verdict: Verdict | undefined;
  model?: ResolvedModel;
}

/**
 * Applies an answer to the reply as stored (inside `Store.modifyMessage`): the call's new state,
 * and `streaming` when it was the last call waiting — with its model resolved first: stored
 * `streaming` with a model this server no longer offers, nobody would run it (and the answer
 * could not be given again).
 */
function recordAnswer(
  reply: MessageRecord,
  toolCallId: string,
  apply: Answer,
  deps: { waitingCalls: (parts: MessageRecord['parts']) => number; resolveModel: () => ResolvedModel },
): Recorded {
  if (reply.role !== 'assistant') return { patch: null, verdict: undefined };
  if (reply.status !== 'awaiting_input')
    return { patch: null, verdict: { kind: 'not-waiting', status: reply.status } };
  const index = reply.parts.findIndex((part) => part.type === 'tool' && part.toolCallId === toolCallId);
  const call = reply.parts[index];
  if (call?.type !== 'tool') return { patch: null, verdict: { kind: 'no-call' } };
  const answered = apply(call);
  if (typeof answered === 'string') return { patch: null, verdict: { kind: 'refused', message: answered } };
  const parts = reply.parts.slice();
  parts[index] = answered;
  const goesOn = deps.waitingCalls(parts) === 0;
  const verdict: Verdict = { kind: 'recorded', index, part: answered, goesOn };
  if (!goesOn) return { patch: { parts }, verdict };
  try {
    return { patch: { parts, status: 'streaming' }, verdict, model: deps.resolveModel() };
  } catch {
    const message = `This reply's model ${JSON.stringify(reply.model)} is no longer offered: stop it, then regenerate it`;
    return { patch: null, verdict: { kind: 'refused', message } };
  }
}

export function createToolAnswers(deps: ToolAnswersDeps) {
  const { store, broker, conversations, assistants, tools, maxOutputBytes } = deps;

  async function answer(
    userId: string,
    conversationId: string,
    messageId: string,
    toolCallId: string,
    apply: Answer,
    listener?: TurnListener,
  ): Promise<TurnOutcome> {
    const conversation = await conversations.requireMember(userId, conversationId);
    let recorded: Recorded | undefined;
    const after = await store.modifyMessage(conversationId, messageId, (reply) => {
      recorded = recordAnswer(reply, toolCallId, apply, {
        waitingCalls: assistants.waitingCalls,
        resolveModel: () => assistants.resolveModel(reply.model ?? conversation.model),
      });
      return recorded.patch;
    });
    const verdict = recorded?.verdict;
    const model = recorded?.model;
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
    const announced = broker.publish({ recipients: conversation.participantIds, event: answered });
    if (!verdict.goesOn || !model) {
      await announced;
      // Another call still waits: whoever asked to follow gets the answered call and the reply as it stands.
      await listener?.onEvent(answered);
      await listener?.onEvent({ type: 'message.completed', conversationId, message: toMessage(after) });
      return { reply: after, failure: null };
    }
    // Taken on: made known here before anything else is awaited (see `resumeTurn`).
    const outcome = assistants.resume({
      conversation,
      reply: after,
      readPrompt: () => promptOf(after),
      model,
      userId,
      announced,
      ...(listener ? { listener } : {}),
    });
    // The run settles on its own (a failed announcement ends it as `error`), as a send's does.
    outcome.catch(() => undefined);
    await announced;
    return outcome;
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
      checkOutput(input.output, maxOutputBytes);
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
