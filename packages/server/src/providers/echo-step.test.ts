/**
 * The echo model's rules, step by step: the turn and e2e tests rely on these exact words and
 * calls, so they are pinned here.
 */
import { describe, expect, it } from 'vitest';
import { echoReply, echoStep } from './echo-step.js';
import type { ChatTurn, ToolSpec } from './provider.js';

const tool = (name: string): ToolSpec => ({
  name,
  description: `The ${name}`,
  inputSchema: { type: 'object' },
});
const tools = [tool('calculator'), tool('clock'), tool('world_clock')];
const user = (content: string): ChatTurn[] => [{ role: 'user', content }];
const callsOf = (content: string, given: ToolSpec[] = tools) =>
  echoStep(user(content), given).toolCalls.map(({ name, inputText }) => [name, inputText]);

describe('echo: calling tools', () => {
  it('a tool named with a JSON object is called with it, and nothing is said', () => {
    const step = echoStep(user('use calculator {"expression": "2+3*4"}'), tools);
    expect(step).toEqual({
      reasoning: null,
      text: '',
      toolCalls: [
        {
          id: expect.stringMatching(/^call_0_[0-9a-f]{8}$/),
          name: 'calculator',
          inputText: '{"expression":"2+3*4"}',
        },
      ],
    });
    expect(callsOf('clock {"timeZone":"Asia/Tokyo"}')).toEqual([['clock', '{"timeZone":"Asia/Tokyo"}']]);
    // A colon may come between; any case; nested objects and braces inside strings are whole.
    expect(callsOf('Calculator: {"expression":"{1}", "options": {"exact": true}} please')).toEqual([
      ['calculator', '{"expression":"{1}","options":{"exact":true}}'],
    ]);
  });

  it('several named tools are several calls, in the order named; names inside JSON do not count', () => {
    expect(
      callsOf('clock {"timeZone":"UTC"} then calculator {"expression":"clock"} and world_clock'),
    ).toEqual([
      ['clock', '{"timeZone":"UTC"}'],
      ['calculator', '{"expression":"clock"}'],
      ['world_clock', '{}'],
    ]);
    expect(callsOf('calculator {"expression":"1+1"} and calculator {"expression":"2+2"}')).toEqual([
      ['calculator', '{"expression":"1+1"}'],
      ['calculator', '{"expression":"2+2"}'],
    ]);
    const ids = echoStep(
      user('calculator {"expression":"1+1"} and calculator {"expression":"2+2"}'),
      tools,
    ).toolCalls.map((call) => call.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('a tool named without a JSON object is called once with {}', () => {
    expect(callsOf('what does the clock say? ask the clock')).toEqual([['clock', '{}']]);
    // …unless it is also named with one.
    expect(callsOf('the clock: clock {"timeZone":"UTC"}')).toEqual([['clock', '{"timeZone":"UTC"}']]);
  });

  it('only whole words name a tool, and only tools that were given', () => {
    expect(callsOf('clockwork and myclock and world_clocks')).toEqual([]);
    expect(callsOf('use calculator {"expression":"1"}', [tool('clock')])).toEqual([]);
    expect(echoStep(user('use calculator {"expression":"1"}')).toolCalls).toEqual([]);
    expect(echoStep(user('use calculator {"expression":"1"}')).text).toBe(
      echoReply(user('use calculator {"expression":"1"}')),
    );
  });

  it('a {…} that is not valid JSON is passed on as written (bad input from a model)', () => {
    expect(callsOf('calculator {"expression": 2+}')).toEqual([['calculator', '{"expression": 2+}']]);
    expect(callsOf('calculator {"expression": "unclosed')).toEqual([
      ['calculator', '{"expression": "unclosed'],
    ]);
  });

  it('ids are stable for a context, and differ in another', () => {
    const id = (messages: ChatTurn[]) => echoStep(messages, tools).toolCalls[0]!.id;
    const first = id(user('clock'));
    expect(id(user('clock'))).toBe(first);
    expect(id([...user('hello'), { role: 'assistant', content: 'Hi.' }, ...user('clock')])).not.toBe(first);
  });
});

describe('echo: telling tool results', () => {
  const afterCalls = (...results: [name: string, content: string][]): ChatTurn[] => [
    ...user('use calculator {"expression":"2+3*4"} and clock'),
    {
      role: 'assistant',
      content: '',
      toolCalls: results.map(([name], i) => ({ id: `call_${i}`, name, input: {} })),
    },
    ...results.map(
      ([name, content], i): ChatTurn => ({ role: 'tool', toolCallId: `call_${i}`, toolName: name, content }),
    ),
  ];

  it('answers each result of the step before, in words (whatever tools are given now)', () => {
    expect(echoStep(afterCalls(['calculator', '14']), tools)).toEqual({
      reasoning: null,
      text: 'The calculator tool answered: 14.',
      toolCalls: [],
    });
    expect(echoStep(afterCalls(['clock', '"09:14"'], ['calculator', '{"value":14,"exact":true}'])).text).toBe(
      'The clock tool answered: 09:14. The calculator tool answered: `{"value":14,"exact":true}`.',
    );
    expect(echoStep(afterCalls(['calculator', 'null'], ['clock', 'true'])).text).toBe(
      'The calculator tool answered: null. The clock tool answered: true.',
    );
  });

  it('says a failure or a denial as such', () => {
    expect(echoStep(afterCalls(['calculator', 'Error: division by zero'])).text).toBe(
      'The calculator tool failed: division by zero.',
    );
    expect(echoStep(afterCalls(['clock', 'Denied by the user: not now'])).text).toBe(
      'The clock tool call was denied: not now.',
    );
    expect(echoStep(afterCalls(['clock', 'Denied by the user'])).text).toBe(
      'The clock tool call was denied.',
    );
    expect(
      echoStep(afterCalls(['clock', 'No result: the reply was stopped before the tool answered'])).text,
    ).toBe('The clock tool failed: No result: the reply was stopped before the tool answered.');
  });

  it('only the trailing results count: earlier steps were told already', () => {
    const context: ChatTurn[] = [
      ...afterCalls(['calculator', '14']),
      { role: 'assistant', content: 'The calculator tool answered: 14.' },
      ...user('clock'),
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_9', name: 'clock', input: {} }] },
      { role: 'tool', toolCallId: 'call_9', toolName: 'clock', content: '"10:00"' },
    ];
    expect(echoStep(context, tools).text).toBe('The clock tool answered: 10:00.');
  });

  it('shortens a long result', () => {
    const text = echoStep(afterCalls(['calculator', JSON.stringify('x'.repeat(500))])).text;
    expect(text.length).toBeLessThan(220);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('echo: reasoning', () => {
  it('"think" or "why" in the last user message brings a reasoning first, in every kind of step', () => {
    expect(echoStep(user('Why is the sky blue?')).reasoning).toBe(
      "The user asks a question of 5 words. I'm the echo model: I cannot answer it, so I'll repeat it and count its words.",
    );
    expect(echoStep(user('I think so')).reasoning).toBe(
      "The user wrote 3 words. I'm the echo model, so I'll quote them back and count them.",
    );
    expect(echoStep(user('think, then use clock and calculator'), tools).reasoning).toBe(
      "The user named the clock and calculator tools. I'll call them with the input given, then answer with what comes back.",
    );
    const answered: ChatTurn[] = [
      ...user('think: clock'),
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'clock', input: {} }] },
      { role: 'tool', toolCallId: 'c', toolName: 'clock', content: '"10:00"' },
    ];
    expect(echoStep(answered).reasoning).toBe("The clock tool answered. I'll tell the user what came back.");
  });

  it('no reasoning otherwise (whole words only), and the text stays as it was', () => {
    for (const content of ['Hello there', 'Rethinking it', 'whys and wherefores']) {
      expect(echoStep(user(content))).toEqual({
        reasoning: null,
        text: echoReply(user(content)),
        toolCalls: [],
      });
    }
  });
});
