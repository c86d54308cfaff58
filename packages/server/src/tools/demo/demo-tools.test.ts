import { describe, expect, it } from 'vitest';
import { fakeToolContext } from '../fake-tool-context.js';
import { decideApproval, runTool } from '../run-tool.js';
import { createToolRegistry } from '../tool-registry.js';
import { calculatorTool } from './calculator.js';
import { createClockTool, readClock } from './clock.js';
import { demoTools } from './index.js';
import { setReminderTool } from './set-reminder.js';

const run = (tool: Parameters<typeof runTool>[0], input: unknown) =>
  runTool(tool, input, fakeToolContext().context, { timeoutMs: 1000 });

describe('demoTools', () => {
  it('are clock, calculator and set_reminder, each with an object JSON Schema for the model', () => {
    const registry = createToolRegistry(demoTools);
    expect(registry.specs().map((spec) => [spec.name, spec.inputSchema.type])).toEqual([
      ['clock', 'object'],
      ['calculator', 'object'],
      ['set_reminder', 'object'],
    ]);
    expect(Object.isFrozen(demoTools)).toBe(true);
  });
});

describe('clock', () => {
  const now = new Date('2030-07-14T10:30:05.000Z');
  const clock = createClockTool({ now: () => now });

  it('reads the time in an IANA time zone, UTC by default', async () => {
    expect(await run(clock, { timeZone: 'Europe/Paris' })).toEqual({
      state: 'output-available',
      output: {
        timeZone: 'Europe/Paris',
        iso: '2030-07-14T10:30:05.000Z',
        local: '2030-07-14 12:30:05',
        weekday: 'Sunday',
        utcOffset: '+02:00',
      },
    });
    expect(await run(clock, {})).toMatchObject({
      output: { timeZone: 'UTC', local: '2030-07-14 10:30:05', utcOffset: '+00:00' },
    });
    expect(readClock(now, 'Asia/Kolkata')).toMatchObject({
      local: '2030-07-14 16:00:05',
      utcOffset: '+05:30',
    });
    expect(readClock(new Date('2030-01-01T03:00:00Z'), 'America/New_York')).toMatchObject({
      local: '2029-12-31 22:00:00',
      weekday: 'Monday',
      utcOffset: '-05:00',
    });
  });

  it('gives an unknown time zone back to the model', async () => {
    expect(await run(clock, { timeZone: 'Mars/Olympus_Mons' })).toEqual({
      state: 'output-error',
      errorText: expect.stringMatching(/- timeZone: Expected an IANA time zone such as Europe\/Paris/),
    });
  });
});

describe('calculator', () => {
  it('answers the expression and its value', async () => {
    expect(await run(calculatorTool, { expression: '(1 + 2) * 3 ^ 2 / 0.5' })).toEqual({
      state: 'output-available',
      output: { expression: '(1 + 2) * 3 ^ 2 / 0.5', result: 54 },
    });
  });

  it('gives bad syntax and division by zero back to the model', async () => {
    expect(await run(calculatorTool, { expression: '1 / 0' })).toEqual({
      state: 'output-error',
      errorText: 'Division by zero',
    });
    expect(await run(calculatorTool, { expression: '2 +* 3' })).toEqual({
      state: 'output-error',
      errorText: 'Unexpected "*" at position 3',
    });
    expect(await run(calculatorTool, { expression: '' })).toMatchObject({ state: 'output-error' });
  });
});

describe('set_reminder', () => {
  it('needs approval, then confirms — and says it stores nothing', async () => {
    const input = { text: 'Call Ada', at: '2030-01-31T09:00:00+01:00' };
    expect(await decideApproval(setReminderTool, input, fakeToolContext().context, { timeoutMs: 1000 })).toBe(
      'ask',
    );
    expect(await run(setReminderTool, input)).toEqual({
      state: 'output-available',
      output: {
        confirmed: true,
        text: 'Call Ada',
        at: '2030-01-31T09:00:00+01:00',
        note: 'This is a demo tool: nothing was stored and no reminder will fire.',
      },
    });
    expect(setReminderTool.description).toMatch(/stores nothing/);
  });

  it('takes a local date and time too, and refuses what is not one', async () => {
    expect(await run(setReminderTool, { text: 'x', at: '2030-01-31T09:00:00' })).toMatchObject({
      state: 'output-available',
    });
    expect(await run(setReminderTool, { text: 'x', at: 'tomorrow at nine' })).toMatchObject({
      state: 'output-error',
      errorText: expect.stringMatching(/- at: /),
    });
  });
});
