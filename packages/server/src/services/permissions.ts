/**
 * Who may do what in a conversation: the one table every use case that checks a role asks
 * (`can`), so the rules live in one place and read as the README's Roles table.
 *
 * - `owner`: everything. There is one per group (and per assistant conversation: its only person).
 * - `admin`: runs the group for the owner — adds people, removes members (not the owner, not other
 *   admins), renames it, sets the system prompt, pins and unpins.
 * - `member`: takes part — sends, reacts, reads, leaves; pins only in a `direct` conversation.
 *
 * A direct conversation has two `member`s who are equals: the actions in {@link openInDirect} are
 * theirs there. Membership itself (an outsider's 404) is checked before any of this, by
 * `conversation-rules.ts`.
 */
import type { ConversationType, ParticipantRole } from '@chatwire/sdk/contracts';
import { Forbidden } from './errors.js';

/** Everything a role may or may not allow. */
export type Action =
  | 'send'
  | 'react'
  | 'read'
  | 'leave'
  | 'pin'
  | 'rename'
  | 'setSystemPrompt'
  | 'addMembers'
  | 'removeMembers'
  | 'removeAdmins'
  | 'setRoles'
  | 'deleteConversation'
  | 'deleteOthersMessages'
  | 'setAssistant'
  | 'steerReplies';

/** The matrix: for each action, the roles allowed it. */
const allowed: Readonly<Record<Action, readonly ParticipantRole[]>> = {
  send: ['owner', 'admin', 'member'],
  react: ['owner', 'admin', 'member'],
  read: ['owner', 'admin', 'member'],
  leave: ['owner', 'admin', 'member'],
  pin: ['owner', 'admin'],
  rename: ['owner', 'admin'],
  setSystemPrompt: ['owner', 'admin'],
  addMembers: ['owner', 'admin'],
  removeMembers: ['owner', 'admin'],
  removeAdmins: ['owner'],
  setRoles: ['owner'],
  deleteConversation: ['owner'],
  deleteOthersMessages: ['owner'],
  setAssistant: ['owner', 'admin'],
  // Besides the person whose message a reply answers (conversation-rules.ts `canSteerReply`).
  steerReplies: ['owner', 'admin'],
};

/** What either person in a direct conversation may do (its two members are equals). */
const openInDirect: ReadonlySet<Action> = new Set<Action>(['pin', 'deleteConversation', 'setAssistant']);

/** How each action reads in a refusal: "Only … can <phrase>". */
const phrases: Readonly<Record<Action, string>> = {
  send: 'send messages',
  react: 'react',
  read: 'read',
  leave: 'leave',
  pin: 'pin or unpin messages',
  rename: 'rename this conversation',
  setSystemPrompt: 'change the system prompt or model',
  addMembers: 'add people',
  removeMembers: 'remove people',
  removeAdmins: 'remove an admin',
  setRoles: 'change roles',
  deleteConversation: 'delete this conversation',
  deleteOthersMessages: "delete other people's messages",
  setAssistant: 'choose its assistant',
  steerReplies: "stop or regenerate another person's reply",
};

/**
 * Whether `role` may do `action` in a conversation of `type`.
 *
 * @example
 * ```ts
 * can('admin', 'rename', 'group'); // true
 * can('member', 'pin', 'group'); // false
 * can('member', 'pin', 'direct'); // true
 * ```
 */
export function can(role: ParticipantRole, action: Action, type: ConversationType = 'group'): boolean {
  if (type === 'direct' && openInDirect.has(action)) return true;
  return allowed[action].includes(role);
}

/** Throws {@link Forbidden} unless `role` may do `action` (see {@link can}). */
export function requireCan(role: ParticipantRole, action: Action, type: ConversationType = 'group'): void {
  if (can(role, action, type)) return;
  const who = allowed[action].length === 1 ? "the conversation's owner" : 'its owner and admins';
  throw new Forbidden(`Only ${who} can ${phrases[action]}`);
}

/** The action removing someone of `targetRole` is: an admin removes members only. */
export const removalOf = (targetRole: ParticipantRole): Action =>
  targetRole === 'member' ? 'removeMembers' : 'removeAdmins';
