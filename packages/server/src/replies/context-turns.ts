/**
 * Stored messages as the turns of a model's context. A person's message is a user turn, its files
 * as attachments; an assistant reply is, step by step (`step-start` parts divide them), an
 * assistant turn with the text and the tool calls of that step, then a `tool` turn answering each
 * call — its output, its error, its denial — so the model sees what it did and what came of it.
 * Reasoning is not sent back: providers do not take it in a context (DeepSeek refuses it).
 */
import type { FilePart, MessagePart, ToolPart } from '@chatwire/sdk/contracts';
import type { AttachmentFacts, ChatTurn, TurnAttachment } from '../providers/provider.js';
import type { MessageRecord } from '../store/store.js';
import { inputNeverCompleted } from './unfinished-calls.js';

/** What a tool call came to, as the model is told it. */
function outcomeOf(part: ToolPart): string {
  switch (part.state) {
    case 'output-available':
      return JSON.stringify(part.output ?? null);
    case 'output-error':
      return `Error: ${part.errorText ?? 'the tool failed'}`;
    case 'output-denied':
      return `Denied by the user${part.approval?.reason ? `: ${part.approval.reason}` : ''}`;
    default:
      // A call without an outcome: one of a reply still waiting for it, or of a reply that ended
      // (stopped, failed) before servers ended such calls as `output-error`. Which, is unknown.
      return 'No result: the call was not run or answered';
  }
}

/** The turns of one step of a reply: its text and tool calls, then each call's outcome. */
function stepTurns(parts: readonly MessagePart[]): ChatTurn[] {
  let content = '';
  const calls: ToolPart[] = [];
  for (const part of parts) {
    if (part.type === 'text') content += part.text;
    // A call whose input never completed (still streaming, or ended by its reply before it did)
    // was never made: the model is shown the text it wrote before it, not a call it did not make.
    else if (part.type === 'tool' && !inputNeverCompleted(part)) calls.push(part);
  }
  if (content === '' && calls.length === 0) return [];
  const assistant: ChatTurn =
    calls.length === 0
      ? { role: 'assistant', content }
      : {
          role: 'assistant',
          content,
          toolCalls: calls.map((call) => ({
            id: call.toolCallId,
            name: call.toolName,
            input: call.input ?? {},
          })),
        };
  return [
    assistant,
    ...calls.map(
      (call): ChatTurn => ({
        role: 'tool',
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        content: outcomeOf(call),
      }),
    ),
  ];
}

/** A reply's parts as turns, step by step. */
export function replyTurns(parts: readonly MessagePart[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  let step: MessagePart[] = [];
  for (const part of parts) {
    if (part.type === 'step-start') {
      turns.push(...stepTurns(step));
      step = [];
    } else step.push(part);
  }
  turns.push(...stepTurns(step));
  return turns;
}

/**
 * A stored message as context turns (none for one that says nothing). A person's files come as
 * `attachments`: those given (loaded by `attachment-loader.ts`), else each only named from its
 * part — so a model always knows something was attached, even when its bytes are not read.
 */
export function messageTurns(message: MessageRecord, attachments?: TurnAttachment[]): ChatTurn[] {
  if (message.role === 'assistant') return replyTurns(message.parts);
  if (message.role === 'system') return message.content ? [{ role: 'system', content: message.content }] : [];
  const files = attachments ?? fileParts(message.parts).map((part) => namedOnly(part));
  if (!message.content && files.length === 0) return [];
  return [
    files.length > 0
      ? { role: 'user', content: message.content, attachments: files }
      : { role: 'user', content: message.content },
  ];
}

/** The file parts of a message, in order. */
export function fileParts(parts: readonly MessagePart[]): FilePart[] {
  return parts.filter((part): part is FilePart => part.type === 'file');
}

/** What a file part says of its file: a mention, until (unless) its bytes are read. */
export function namedOnly(part: FilePart, note = 'not read'): TurnAttachment {
  return {
    kind: 'mention',
    note,
    ...factsOf(part),
  };
}

/** A file part's name, type, size and dimensions. */
export function factsOf(part: FilePart): AttachmentFacts {
  return {
    name: part.filename ?? 'file',
    mediaType: part.mediaType,
    size: part.size,
    ...(part.width !== undefined && part.height !== undefined
      ? { width: part.width, height: part.height }
      : {}),
  };
}
