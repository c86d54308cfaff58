/**
 * What the echo model does in one round trip, decided from the context and the tools alone (the
 * rules are listed on {@link echoStep}). Kept apart from the streaming so tests and docs can ask
 * what echo will say without running it.
 */
import { fnv1a } from '../store/lowdb/fingerprints.js';
import { describeFiles } from './echo-files.js';
import { answerToolResults, type EchoToolCall, findToolCalls } from './echo-tools.js';
import type { ChatTurn, ToolSpec } from './provider.js';

export type { EchoToolCall } from './echo-tools.js';

/** One round trip of the echo model. */
export interface EchoStep {
  /** Streamed first, as `reasoning` chunks; `null` unless the prompt has the word "think" or "why". */
  reasoning: string | null;
  /** The answer, streamed as text; empty when the step calls tools. */
  text: string;
  /** The calls the step makes (then it finishes with `tool_calls`); empty when it answers in text. */
  toolCalls: EchoToolCall[];
}

const QUOTE_LIMIT = 160;

/**
 * What echo does with `messages` (and the `tools` it may call), first rule that applies:
 * 1. The last turn is a `tool` turn (the results of its previous step): it answers in text, one
 *    sentence per result of that step — "The calculator tool answered: 14.", "The clock tool
 *    failed: …", "The clock tool call was denied: …". So a reply always ends after one round of
 *    calls.
 * 2. `tools` were given and the last user message names some of them (whole word, any case):
 *    every name followed by a JSON object (`use calculator {"expression":"2+3*4"}`,
 *    `clock {"timeZone":"Asia/Tokyo"}`) is a call with that input; a tool named only without one
 *    is called once with `{}`; several calls are made together (in parallel), in the order named.
 *    No text. A `{…}` that is not valid JSON is passed on as written (bad input from the model).
 * 3. Otherwise the usual echo of the last user message (quoted, its words counted), after a
 *    sentence describing the files attached to it, if any (`echo-files.ts`).
 *
 * In each of them, when the last user message has the word "think" or "why", a short reasoning
 * comes first.
 *
 * @example
 * echoStep([{ role: 'user', content: 'think: use clock {"timeZone":"Asia/Tokyo"}' }], [clock]);
 * // { reasoning: 'The user named the clock tool. …', text: '', toolCalls: [{ name: 'clock', … }] }
 */
export function echoStep(messages: readonly ChatTurn[], tools: readonly ToolSpec[] = []): EchoStep {
  const said = lastUserMessage(messages);
  const thinks = /\b(?:think|why)\b/i.test(said);
  const last = messages.at(-1);

  if (last?.role === 'tool') {
    const names = toolNames(messages);
    return {
      reasoning: thinks ? `The ${names} answered. I'll tell the user what came back.` : null,
      text: answerToolResults(messages),
      toolCalls: [],
    };
  }
  const toolCalls = tools.length > 0 ? findToolCalls(messages, said, tools) : [];
  if (toolCalls.length > 0) {
    const named = [...new Set(toolCalls.map((call) => call.name))];
    const tool = `${listOf(named)} tool${named.length === 1 ? '' : 's'}`;
    const them = toolCalls.length === 1 ? 'it' : 'them';
    return {
      reasoning: thinks
        ? `The user named the ${tool}. I'll call ${them} with the input given, then answer with what comes back.`
        : null,
      text: '',
      toolCalls,
    };
  }
  const text = echoReply(messages);
  return { reasoning: thinks ? reasoningAbout(said) : null, text, toolCalls: [] };
}

/**
 * The text echo answers a context with no tool results to tell: a quote of the last user message
 * and a sentence or two derived from it (counts, its longest word, a markdown list or quote). A
 * message with the word "long" gets a reply longer than any output limit. Files attached to the
 * message are described first — their names, types, sizes, dimensions, lines — so the description
 * is there even when the output limit cuts the rest. For the whole of a step — tool calls,
 * reasoning, results — see {@link echoStep}.
 *
 * @example
 * echoReply([{ role: 'user', content: '', attachments: [photo] }]);
 * // 'You sent 1 file: photo.png (image/png, 12.4 kB, 640×480).'
 */
export function echoReply(messages: readonly ChatTurn[]): string {
  const files = describeFiles(lastUserTurn(messages)?.attachments ?? []);
  const reply = echoText(lastUserMessage(messages));
  if (files === '')
    return reply ?? "You said nothing yet. Send a message and I'll echo it back, **word by word**.";
  return reply === null ? files : `${files}\n\n${reply}`;
}

/** The echo of what was said; `null` when nothing was. */
function echoText(said: string): string | null {
  if (said === '') return null;

  const { flat, quote, words, isQuestion } = readPrompt(said);
  const longest = words.reduce((best, word) => (word.length > best.length ? word : best), '');
  const wordCount = `**${words.length} ${words.length === 1 ? 'word' : 'words'}**`;

  const opening = `You said: “${quote}”.`;
  const second = isQuestion
    ? `That's a question of ${wordCount}, and a real model would answer it; I'm the echo model, so I can only repeat it.`
    : `That's ${wordCount} and ${flat.length} characters; I'm the echo model, so I repeat what I hear.`;
  const extras = [
    longest === '' ? 'No words in there, only symbols: *interesting*.' : `The longest word is *${longest}*.`,
    `- **Words:** ${words.length}\n- **Characters:** ${flat.length}\n- **Question:** ${isQuestion ? 'yes' : 'no'}`,
    `> ${quote}\n\nQuoted back, just to be sure.`,
    'Set `OPENAI_API_KEY`, `GROQ_API_KEY` or `OLLAMA_URL` to talk to a real model.',
  ];
  const extra = extras[fnv1a(said) % extras.length]!;
  const reply = `${opening} ${second}\n\n${extra}`;
  return /\blong\b/i.test(said) ? `${reply}\n\n${longer(words)}` : reply;
}

function lastUserTurn(messages: readonly ChatTurn[]): Extract<ChatTurn, { role: 'user' }> | undefined {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const turn = messages[i]!;
    if (turn.role === 'user') return turn;
  }
  return undefined;
}

function lastUserMessage(messages: readonly ChatTurn[]): string {
  return lastUserTurn(messages)?.content.trim() ?? '';
}

function readPrompt(said: string) {
  const flat = said.replace(/\s+/g, ' ');
  const quote = flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1).trimEnd()}…` : flat;
  const words = flat.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  return { flat, quote, words, isQuestion: /\?\s*$/.test(said) };
}

/** The reasoning before a plain echo: what it noticed, and what it will do. */
function reasoningAbout(said: string): string {
  const { words, isQuestion } = readPrompt(said);
  const count = `${words.length} ${words.length === 1 ? 'word' : 'words'}`;
  return isQuestion
    ? `The user asks a question of ${count}. I'm the echo model: I cannot answer it, so I'll repeat it and count its words.`
    : `The user wrote ${count}. I'm the echo model, so I'll quote them back and count them.`;
}

/** "The clock tool", "The clock and calculator tools": the tools whose results end the context. */
function toolNames(messages: readonly ChatTurn[]): string {
  const names: string[] = [];
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const turn = messages[i]!;
    if (turn.role !== 'tool') break;
    if (!names.includes(turn.toolName)) names.unshift(turn.toolName);
  }
  return `${listOf(names)} tool${names.length === 1 ? '' : 's'}`;
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What echo adds when asked for something long: more than any output limit lets through. */
function longer(words: readonly string[]): string {
  const told = words.length > 0 ? words : ['nothing'];
  const lines = Array.from({ length: 12 }, (_, i) => {
    const word = told[i % told.length];
    return `${i + 1}. Once more, word ${(i % told.length) + 1} of what you said was *${word}*, and I am still going.`;
  });
  return `You asked for something long, so here it is, at length:\n\n${lines.join('\n')}`;
}
