/**
 * What a reply waits for, read from its parts: the tool calls whose result a client must post, and
 * those a person must approve or deny. Only a reply `awaiting_input` waits: while it streams, a
 * server tool's call is `input-available` as it runs.
 */
import type { ToolPart } from '../contracts/parts.js';
import type { Message } from '../contracts/resources.js';

/** The calls a reply waits for. */
export interface PendingToolCalls {
  /** Calls of client tools (`input-available`): post their result (`submitToolResult`). */
  readonly toolResults: readonly ToolPart[];
  /** Calls of server tools waiting for a person (`approval-requested`): `approveToolCall`. */
  readonly approvals: readonly ToolPart[];
}

const none: PendingToolCalls = { toolResults: [], approvals: [] };

/**
 * The calls `reply` waits for (none unless it is `awaiting_input`).
 *
 * @example
 * ```ts
 * const reply = await client.messages.stream(chatId, { content: 'Remind me at 5' }).finalMessage();
 * for (const call of pendingToolCalls(reply).approvals) {
 *   const approved = confirm(`Run ${call.toolName} with ${JSON.stringify(call.input)}?`);
 *   await client.messages.approveToolCall(chatId, reply.id, { toolCallId: call.toolCallId, approved });
 * }
 * ```
 */
export function pendingToolCalls(reply: Pick<Message, 'status' | 'parts'>): PendingToolCalls {
  if (reply.status !== 'awaiting_input') return none;
  const toolResults: ToolPart[] = [];
  const approvals: ToolPart[] = [];
  for (const part of reply.parts) {
    if (part.type !== 'tool') continue;
    // An approved call is `input-available` too until it runs: the server runs it, nobody answers it.
    if (part.state === 'input-available' && !part.approval) toolResults.push(part);
    else if (part.state === 'approval-requested') approvals.push(part);
  }
  return toolResults.length || approvals.length ? { toolResults, approvals } : none;
}
