/**
 * A reply being generated, as the Redis directory keeps it: the log of what its producer published
 * — one JSON line per part or delta, appended (`APPEND`: a delta costs its own size, never the
 * reply's) — and the parts that log adds up to, for a follower elsewhere or the process that ends
 * a dead producer's reply.
 */
import type { MessagePart } from '@chatwire/sdk/contracts';
import { partText } from '@chatwire/sdk/contracts';
import type { ReplyEntry } from './reply-directory.js';

/** One line of the log. */
export function logLine(entry: ReplyEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

function withChannel(part: MessagePart, text: string): MessagePart {
  if (part.type === 'text' || part.type === 'reasoning') return { ...part, text };
  if (part.type === 'tool') return { ...part, inputText: text };
  return part;
}

/**
 * The parts a log adds up to. A delta applies where it starts at the end of its part's text (the
 * producer records each once, in order); a line that does not parse — a log cut mid-line — ends it.
 */
export function partsFromLog(log: string): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const line of log.split('\n')) {
    if (line === '') continue;
    let entry: ReplyEntry;
    try {
      entry = JSON.parse(line) as ReplyEntry;
    } catch {
      break;
    }
    if (entry.type === 'part') parts[entry.index] = entry.part;
    else {
      const part = parts[entry.part];
      const text = part ? partText(part) : undefined;
      if (part && text !== undefined && text.length === entry.offset)
        parts[entry.part] = withChannel(part, text + entry.text);
    }
  }
  // A part the log skipped (it cannot, in order) would leave a hole: none is handed out.
  return parts.filter((part) => part !== undefined);
}
