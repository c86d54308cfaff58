/**
 * The history of a reply as context turns, with the files of its messages loaded — newest message
 * first, and only for as long as the context budget lasts: a message that cannot fit any more is
 * dropped by the budget anyway (`providers/context.ts` drops the oldest turns first), so its
 * images are not read nor its PDFs extracted.
 */
import type { ChatTurn } from '../providers/provider.js';
import { estimateTurnTokens } from '../providers/tokens.js';
import type { MessageRecord } from '../store/store.js';
import type { AttachmentLoader } from './attachment-loader.js';
import { fileParts, messageTurns } from './context-turns.js';

/** Input of {@link historyTurns}. */
export interface HistoryTurnsInput {
  /** Oldest → newest, none deleted or still streaming. */
  messages: readonly MessageRecord[];
  /** Reads the files; without one, files are only named. */
  loader: AttachmentLoader | undefined;
  conversationId: string;
  /** Whether the model takes images: without vision, images are named, not read. */
  vision: boolean;
  /** The context budget, tokens: past it, older files are not loaded. */
  budgetTokens: number;
}

/**
 * `messages` as context turns, their files loaded as described above.
 *
 * @example
 * const turns = await historyTurns({ messages, loader, conversationId, vision: model.vision, budgetTokens: 8_000 });
 */
export async function historyTurns(input: HistoryTurnsInput): Promise<ChatTurn[]> {
  const { messages, loader, conversationId, vision, budgetTokens } = input;
  // Most conversations have no file at all: their turns are what they always were, and the
  // budget need not be counted here (providers/context.ts counts it once, for the whole).
  const withFiles = (message: MessageRecord) =>
    message.role === 'user' && fileParts(message.parts).length > 0;
  if (!loader || !messages.some(withFiles))
    return messages.flatMap((message) => messageTurns(message, undefined));
  const turns: ChatTurn[][] = new Array(messages.length);
  let spent = 0;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i]!;
    const files = message.role === 'user' ? fileParts(message.parts) : [];
    const attachments =
      files.length > 0 && spent <= budgetTokens
        ? await Promise.all(files.map((part) => loader.load(part, { conversationId, vision })))
        : undefined;
    const own = messageTurns(message, attachments);
    turns[i] = own;
    for (const turn of own) spent += estimateTurnTokens(turn);
  }
  return turns.flat();
}
