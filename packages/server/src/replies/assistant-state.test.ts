import type { MessagePart } from '@chatwire/sdk/contracts';
import { describe, expect, it } from 'vitest';
import { type AssistantStateUpdate, withAssistantState } from './assistant-state.js';
import type { ReplyFanout } from './reply-fanout.js';

/** A fan-out that does nothing, wrapped: what the wrapper publishes, as `state[:tool]`. */
function wrapped() {
  const told: string[] = [];
  const inner: ReplyFanout = {
    open: () => undefined,
    part: () => undefined,
    delta: () => undefined,
    flush: () => undefined,
    complete: async () => undefined,
    cancel: () => undefined,
  };
  const fanout = withAssistantState(inner, async (update: AssistantStateUpdate) => {
    told.push(update.toolName ? `${update.state}:${update.toolName}` : update.state);
  });
  return { fanout, told };
}

const completed = {
  type: 'message.completed' as const,
  conversationId: 'c',
  message: {} as never,
};
const tool = (state: 'input-streaming' | 'input-available' | 'output-available', toolName = 'calculator') =>
  ({ type: 'tool', toolCallId: `id-${toolName}`, toolName, state }) as MessagePart;

describe('withAssistantState', () => {
  it('thinking when the model is asked, writing on text, idle at the end; each change once', async () => {
    const { fanout, told } = wrapped();
    fanout.open();
    fanout.part(0, { type: 'step-start' });
    fanout.part(1, { type: 'reasoning', text: '' });
    fanout.delta(1, 0, 'hmm');
    fanout.part(2, { type: 'text', text: '' });
    fanout.delta(2, 0, 'Hel');
    fanout.delta(2, 3, 'lo');
    await fanout.complete(completed);
    expect(told).toEqual(['thinking', 'writing', 'idle']);
  });

  it('using_tool while a server tool runs (with its name), the longest-running last', async () => {
    const { fanout, told } = wrapped();
    fanout.open();
    fanout.part(1, tool('input-streaming'));
    fanout.part(1, tool('input-available'));
    fanout.part(2, tool('input-available', 'clock'));
    fanout.part(2, tool('output-available', 'clock'));
    fanout.part(1, tool('output-available'));
    fanout.part(3, { type: 'step-start' });
    fanout.part(4, { type: 'text', text: '' });
    fanout.cancel();
    expect(told).toEqual([
      'thinking',
      'using_tool:calculator',
      'using_tool:clock',
      'using_tool:calculator',
      'thinking',
      'writing',
      'idle',
    ]);
  });

  it('tells nothing of a turn that never started (stopped while it waited for its turn)', async () => {
    const { fanout, told } = wrapped();
    await fanout.complete(completed);
    expect(told).toEqual([]);
  });
});
