/**
 * What the model is told of calls that never got a result: a call still waiting (or left by an
 * older server) says so truthfully, a call whose input never completed is left out, and the calls
 * a reply's end left unfinished are told as their `output-error`.
 */
import type { MessagePart } from '@chatwire/sdk/contracts';
import { describe, expect, it } from 'vitest';
import { replyTurns } from './context-turns.js';
import { withUnfinishedCallsEnded } from './unfinished-calls.js';

const call = (toolCallId: string, state: string, extra: object = {}) =>
  ({ type: 'tool', toolCallId, toolName: 'zone', state, ...extra }) as MessagePart;

describe('replyTurns, calls without a result', () => {
  it('a call without an outcome is "not run or answered", never claimed stopped', () => {
    const turns = replyTurns([{ type: 'step-start' }, call('c1', 'input-available', { input: {} })]);
    expect(turns.at(-1)).toMatchObject({
      role: 'tool',
      content: 'No result: the call was not run or answered',
    });
  });

  it('a call cut short mid input is left out, stopped or failed; an invalid-JSON one is told', () => {
    for (const ending of ['stopped', 'failed'] as const) {
      const parts = withUnfinishedCallsEnded(
        [
          { type: 'step-start' },
          { type: 'text', text: 'Let me.' },
          call('cut', 'input-streaming', { inputText: '{"a"' }),
        ],
        ending,
      );
      expect(parts[2]).toMatchObject({
        state: 'output-error',
        errorText: expect.stringMatching(/^Not run: /),
      });
      expect(replyTurns(parts)).toEqual([{ role: 'assistant', content: 'Let me.' }]);
    }
    const invalid = call('bad', 'output-error', { inputText: '{', errorText: 'The input is not valid JSON' });
    expect(replyTurns([{ type: 'step-start' }, invalid]).map((turn) => turn.role)).toEqual([
      'assistant',
      'tool',
    ]);
  });

  it('calls a reply’s end left unfinished are told as what happened', () => {
    const parts = withUnfinishedCallsEnded(
      [
        { type: 'step-start' },
        call('never', 'input-available', { input: {} }),
        call('asked', 'approval-requested', { input: {} }),
        call('done', 'output-available', { input: {}, output: 1 }),
      ],
      'failed',
    );
    expect(
      replyTurns(parts)
        .filter((turn) => turn.role === 'tool')
        .map((turn) => turn.content),
    ).toEqual(['Error: Not run: the reply failed', 'Error: Not answered: the reply failed', '1']);
  });

  it('a stopped wait: the calls waited for are "Not answered", an approved one "Not run"', () => {
    const parts = withUnfinishedCallsEnded(
      [
        { type: 'step-start' },
        call('client', 'input-available', { input: {} }),
        call('approved', 'input-available', { input: {}, approval: { approved: true } }),
      ],
      'stopped',
      { waited: true },
    );
    expect(parts.slice(1).map((part) => (part.type === 'tool' ? part.errorText : ''))).toEqual([
      'Not answered: the reply was stopped',
      'Not run: the reply was stopped',
    ]);
  });
});
