/**
 * The echo model's tool use: the calls a prompt asks for by naming a tool, and the sentence that
 * tells a call's outcome. Plain string work, no model: same prompt and tools, same calls.
 */
import { contextSeed, generatedCallId } from './call-ids.js';
import type { ChatTurn, ToolSpec } from './provider.js';

/** A call echo makes: its id, the tool, and its input as the JSON text it streams. */
export interface EchoToolCall {
  /** `call_<n>_<hash of the context and the call>`: the same context gives the same id. */
  id: string;
  name: string;
  /**
   * The input as streamed: the prompt's JSON object, compacted (`{}` when the prompt gave none),
   * or — when what follows the name is not valid JSON — that text as written, so a turn loop's
   * handling of bad input from a model can be tried.
   */
  inputText: string;
}

const RESULT_LIMIT = 160;

/**
 * The calls `prompt` asks for: every mention of a tool's name (whole word, any case) followed by a
 * JSON object is a call with that object; a tool mentioned only without one is called once with
 * `{}`. In the order of the mentions; names inside a call's JSON do not count.
 *
 * @example
 * findToolCalls(messages, 'use calculator {"expression":"2+3*4"} and clock', tools);
 * // [{ name: 'calculator', inputText: '{"expression":"2+3*4"}', … }, { name: 'clock', inputText: '{}', … }]
 */
export function findToolCalls(
  messages: readonly ChatTurn[],
  prompt: string,
  tools: readonly ToolSpec[],
): EchoToolCall[] {
  const mentions = tools
    .flatMap((tool) => mentionsOf(prompt, tool.name))
    .sort((a, b) => a.at - b.at || b.name.length - a.name.length);
  const found: { at: number; name: string; inputText: string }[] = [];
  const bare = new Map<string, number>();
  let consumedTo = 0;
  for (const mention of mentions) {
    if (mention.at < consumedTo) continue;
    const json = objectAfter(prompt, mention.at + mention.name.length);
    if (json === null) {
      if (!bare.has(mention.name)) bare.set(mention.name, mention.at);
      continue;
    }
    consumedTo = json.end;
    found.push({ at: mention.at, name: mention.name, inputText: compact(json.text) });
  }
  for (const [name, at] of bare) {
    if (!found.some((call) => call.name === name)) found.push({ at, name, inputText: '{}' });
  }
  const seed = contextSeed(messages);
  return found
    .sort((a, b) => a.at - b.at)
    .map((call, ordinal) => ({
      id: generatedCallId(ordinal, seed(), call.name, call.inputText),
      name: call.name,
      inputText: call.inputText,
    }));
}

/** Where `name` is mentioned as a whole word (letters, digits, `_` and `-` around it do not count). */
function mentionsOf(prompt: string, name: string): { at: number; name: string }[] {
  if (name === '') return [];
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_-])${escaped}(?![\\p{L}\\p{N}_-])`, 'giu');
  return [...prompt.matchAll(pattern)].map((match) => ({ at: match.index, name }));
}

/**
 * The `{…}` right after `from` (spaces and one `:` may come between), up to its matching brace —
 * braces inside JSON strings do not count — or to the end of the prompt when it never closes.
 */
function objectAfter(prompt: string, from: number): { text: string; end: number } | null {
  const start = /^\s*:?\s*\{/.exec(prompt.slice(from));
  if (!start) return null;
  const open = from + start[0].length - 1;
  let depth = 0;
  let inString = false;
  for (let i = open; i < prompt.length; i += 1) {
    const char = prompt[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return { text: prompt.slice(open, i + 1), end: i + 1 };
    }
  }
  return { text: prompt.slice(open), end: prompt.length };
}

/** Valid JSON compacted (`{ "a": 1 }` → `{"a":1}`); anything else as written. */
function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/**
 * The trailing `tool` turns of the context: the results of the step before this one, each told in
 * a sentence — "The calculator tool answered: 14." — or its failure or denial, as the turn loop
 * words them (`Error: …`, `Denied by the user…`).
 */
export function answerToolResults(messages: readonly ChatTurn[]): string {
  const results: Extract<ChatTurn, { role: 'tool' }>[] = [];
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const turn = messages[i]!;
    if (turn.role !== 'tool') break;
    results.unshift(turn);
  }
  return results.map((turn) => withPeriod(resultSentence(turn.toolName, turn.content))).join(' ');
}

function resultSentence(toolName: string, content: string): string {
  const tool = `The ${toolName} tool`;
  let output: unknown;
  try {
    output = JSON.parse(content);
  } catch {
    const text = content.trim();
    if (/^denied\b/i.test(text)) {
      const reason = text.replace(/^denied(?: by the user)?\s*:?\s*/i, '');
      return `${tool} call was denied${reason ? `: ${shorten(reason)}` : ''}`;
    }
    return `${tool} failed: ${shorten(text.replace(/^error\s*:\s*/i, '')) || 'no reason given'}`;
  }
  return `${tool} answered: ${renderOutput(output)}`;
}

/** A JSON output in a sentence: scalars as they read, objects and arrays as inline code. */
function renderOutput(output: unknown): string {
  if (typeof output === 'string') return shorten(output);
  if (typeof output !== 'object' || output === null) return String(output);
  return `\`${shorten(JSON.stringify(output))}\``;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > RESULT_LIMIT ? `${flat.slice(0, RESULT_LIMIT - 1).trimEnd()}…` : flat;
}

function withPeriod(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
