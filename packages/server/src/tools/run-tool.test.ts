import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { defineTool, type ToolContext } from './define-tool.js';
import { fakeToolContext } from './fake-tool-context.js';
import { decideApproval, runTool, stoppedErrorText } from './run-tool.js';

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number().default(0) }),
  execute: async ({ a, b }) => ({ sum: a + b }),
});

/** The server's `toolTimeoutMs` where a test does not care. */
const opts = { timeoutMs: 1000 };

/** A tool that runs until its signal aborts, reporting what it saw. */
function hanging(
  seen: { signal?: AbortSignal },
  options: { timeoutMs?: number; ignoreSignal?: boolean } = {},
) {
  return defineTool({
    name: 'hang',
    description: 'Never answers by itself',
    input: z.object({}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    execute: (_input, { signal }) => {
      seen.signal = signal;
      return new Promise((_resolve, reject) => {
        if (!options.ignoreSignal) signal.addEventListener('abort', () => reject(signal.reason));
      });
    },
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('runTool', () => {
  it('runs a valid call with the parsed input and the call’s context', async () => {
    const { context } = fakeToolContext();
    let given: { input: unknown; context: ToolContext } | undefined;
    const spy = defineTool({
      name: 'spy',
      description: '',
      input: z.object({ city: z.string().trim() }),
      execute: (input, ctx) => {
        given = { input, context: ctx };
        return 'ok';
      },
    });
    expect(await runTool(spy, { city: '  Lisbon ' }, context, { timeoutMs: 1000 })).toEqual({
      state: 'output-available',
      output: 'ok',
    });
    expect(given?.input).toEqual({ city: 'Lisbon' });
    expect(given?.context).toMatchObject({
      userId: 'user-1',
      conversationId: 'conversation-1',
      messageId: 'message-1',
      toolCallId: 'call-1',
      log: context.log,
    });
    // Its own signal, which a stop or its timeout aborts.
    expect(given?.context.signal).not.toBe(context.signal);
    expect(given?.context.signal.aborted).toBe(false);
    expect(await runTool(add, { a: 2 }, context, { timeoutMs: 1000 })).toEqual({
      state: 'output-available',
      output: { sum: 2 },
    });
  });

  it('gives invalid input back as every problem, for the model to correct itself, without running the tool', async () => {
    const execute = vi.fn();
    const tool = defineTool({
      name: 'book',
      description: '',
      input: z.object({ city: z.string(), nights: z.number().int().min(1) }),
      execute,
    });
    const result = await runTool(tool, { nights: 0.5 }, fakeToolContext().context, { timeoutMs: 1000 });
    expect(result.state).toBe('output-error');
    const { errorText } = result as { errorText: string };
    expect(errorText).toMatch(/^Invalid input for tool "book"; call it again with:\n/);
    expect(errorText).toMatch(/- city: .*expected string/i);
    expect(errorText).toMatch(/- nights: .*int/i);
    expect(execute).not.toHaveBeenCalled();
    const notAnObject = await runTool(tool, 'Lisbon', fakeToolContext().context, { timeoutMs: 1000 });
    expect(notAnObject).toMatchObject({
      state: 'output-error',
      errorText: expect.stringMatching(/- \(input\): /),
    });
    // A schema whose own check throws is the input's problem too, for runTool and needsApproval alike.
    const checked = defineTool({
      name: 'checked',
      description: '',
      input: z.object({ code: z.string() }).refine(async () => {
        throw new Error('lookup service down');
      }),
      execute,
    });
    expect(await runTool(checked, { code: 'x' }, fakeToolContext().context, { timeoutMs: 1000 })).toEqual({
      state: 'output-error',
      errorText: 'Invalid input for tool "checked": lookup service down',
    });
    const withRule = defineTool({ ...checked, name: 'rule', needsApproval: () => true });
    expect(await decideApproval(withRule, { code: 'x' }, fakeToolContext().context, opts)).toBe('run');
    expect(execute).not.toHaveBeenCalled();
  });

  it('gives a thrown error back as its message, never its stack, and logs it', async () => {
    const { context, log } = fakeToolContext();
    const failing = defineTool({
      name: 'fail',
      description: '',
      input: z.object({}),
      execute: () => {
        throw new Error('The city is unknown: try a bigger one');
      },
    });
    expect(await runTool(failing, {}, context, { timeoutMs: 1000 })).toEqual({
      state: 'output-error',
      errorText: 'The city is unknown: try a bigger one',
    });
    expect(log.lines).toEqual([
      { level: 'warn', args: [{ err: expect.any(Error), tool: 'fail' }, 'tool failed'] },
    ]);
    const rejecting = defineTool({
      name: 'reject',
      description: '',
      input: z.object({}),
      execute: async () => Promise.reject('a bare string'),
    });
    expect(await runTool(rejecting, {}, context, { timeoutMs: 1000 })).toEqual({
      state: 'output-error',
      errorText: 'a bare string',
    });
    const silent = defineTool({
      name: 'silent',
      description: '',
      input: z.object({}),
      execute: () => {
        throw new Error('');
      },
    });
    expect(await runTool(silent, {}, context, { timeoutMs: 1000 })).toEqual({
      state: 'output-error',
      errorText: 'Tool "silent" failed',
    });
  });

  it('times a hanging tool out: its signal aborts and the call ends "timed out after N ms"', async () => {
    vi.useFakeTimers();
    const seen: { signal?: AbortSignal } = {};
    const running = runTool(hanging(seen), {}, fakeToolContext().context, { timeoutMs: 30_000 });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(seen.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await running).toEqual({
      state: 'output-error',
      errorText: 'Tool "hang" timed out after 30000 ms',
    });
    expect(seen.signal?.aborted).toBe(true);
    expect(seen.signal?.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('takes a tool’s own timeoutMs over the default, and ends even when the tool ignores its signal', async () => {
    vi.useFakeTimers();
    const seen: { signal?: AbortSignal } = {};
    const running = runTool(
      hanging(seen, { timeoutMs: 50, ignoreSignal: true }),
      {},
      fakeToolContext().context,
      {
        timeoutMs: 30_000,
      },
    );
    await vi.advanceTimersByTimeAsync(50);
    expect(await running).toEqual({ state: 'output-error', errorText: 'Tool "hang" timed out after 50 ms' });
    expect(seen.signal?.aborted).toBe(true);
  });

  it('stops the tool with its reply: the caller’s signal aborts the tool’s, and the call ends "stopped"', async () => {
    const { context, controller } = fakeToolContext();
    const seen: { signal?: AbortSignal } = {};
    const running = runTool(hanging(seen), {}, context, { timeoutMs: 30_000 });
    await vi.waitFor(() => expect(seen.signal).toBeDefined());
    controller.abort();
    expect(await running).toEqual({ state: 'output-error', errorText: stoppedErrorText });
    expect(seen.signal?.aborted).toBe(true);
    // The same for a tool that ignores the signal, and for a reply stopped before the call.
    const ignoring = fakeToolContext();
    const stubborn = runTool(hanging({}, { ignoreSignal: true }), {}, ignoring.context, {
      timeoutMs: 30_000,
    });
    ignoring.controller.abort();
    expect(await stubborn).toEqual({ state: 'output-error', errorText: 'stopped' });
    const execute = vi.fn();
    const tool = defineTool({ name: 'never', description: '', input: z.object({}), execute });
    expect(await runTool(tool, {}, context, { timeoutMs: 1000 })).toEqual({
      state: 'output-error',
      errorText: 'stopped',
    });
    expect(execute).not.toHaveBeenCalled();
  });

  it('refuses an output that is not JSON', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const outputs: [unknown, RegExp][] = [
      [cyclic, /^Tool "out" returned a value that is not JSON \(.*circular/i],
      [10n, /^Tool "out" returned a value that is not JSON \(.*BigInt/i],
      [() => 1, /^Tool "out" returned a value that is not JSON \(function\)$/],
    ];
    for (const [output, message] of outputs) {
      const tool = defineTool({ name: 'out', description: '', input: z.object({}), execute: () => output });
      const result = await runTool(tool, {}, fakeToolContext().context, { timeoutMs: 1000 });
      expect(result).toEqual({ state: 'output-error', errorText: expect.stringMatching(message) });
    }
  });

  it('gives back the output as JSON read back: what the model sees and what is stored', async () => {
    const at = new Date('2030-01-31T09:00:00.000Z');
    const tool = defineTool({
      name: 'shape',
      description: '',
      input: z.object({}),
      execute: () => ({ at, missing: undefined, list: [1, undefined] }),
    });
    expect(await runTool(tool, {}, fakeToolContext().context, { timeoutMs: 1000 })).toEqual({
      state: 'output-available',
      output: { at: '2030-01-31T09:00:00.000Z', list: [1, null] },
    });
    const nothing = defineTool({ name: 'nothing', description: '', input: z.object({}), execute: () => {} });
    expect(await runTool(nothing, {}, fakeToolContext().context, { timeoutMs: 1000 })).toEqual({
      state: 'output-available',
      output: null,
    });
  });

  it('refuses an output over the size limit (64 KiB of JSON by default)', async () => {
    const big = (size: number) =>
      defineTool({ name: 'big', description: '', input: z.object({}), execute: () => 'é'.repeat(size) });
    const { context } = fakeToolContext();
    // 'é' is 2 bytes in UTF-8; the JSON string adds its 2 quotes.
    expect(await runTool(big(32 * 1024 - 1), {}, context, { timeoutMs: 1000 })).toMatchObject({
      state: 'output-available',
    });
    expect(await runTool(big(32 * 1024), {}, context, { timeoutMs: 1000 })).toEqual({
      state: 'output-error',
      errorText: 'Tool "big" returned 65538 bytes of JSON, over the limit of 65536: return less',
    });
    expect(await runTool(big(10), {}, context, { timeoutMs: 1000, maxOutputBytes: 10 })).toEqual({
      state: 'output-error',
      errorText: 'Tool "big" returned 22 bytes of JSON, over the limit of 10: return less',
    });
  });

  it('clears its timer and its listener once the call is over', async () => {
    vi.useFakeTimers();
    const { context } = fakeToolContext();
    const removed = vi.spyOn(context.signal, 'removeEventListener');
    await runTool(add, { a: 1, b: 2 }, context, { timeoutMs: 1000 });
    expect(vi.getTimerCount()).toBe(0);
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});

describe('decideApproval', () => {
  const base = { description: '', input: z.object({ amount: z.number() }), execute: () => 'paid' };

  it('reads the boolean form, never by default', async () => {
    const { context } = fakeToolContext();
    expect(await decideApproval(defineTool({ name: 'a', ...base }), { amount: 1 }, context, opts)).toBe(
      'run',
    );
    expect(
      await decideApproval(defineTool({ name: 'b', ...base, needsApproval: true }), {}, context, opts),
    ).toBe('ask');
    expect(
      await decideApproval(defineTool({ name: 'c', ...base, needsApproval: false }), {}, context, opts),
    ).toBe('run');
  });

  it('asks the function form, sync or async, with the validated input and the context', async () => {
    const { context } = fakeToolContext();
    const seen: unknown[] = [];
    const pay = defineTool({
      name: 'pay',
      ...base,
      needsApproval: async ({ amount }, ctx) => {
        seen.push(ctx.userId);
        return amount > 100;
      },
    });
    expect(await decideApproval(pay, { amount: 500 }, context, opts)).toBe('ask');
    expect(await decideApproval(pay, { amount: 5 }, context, opts)).toBe('run');
    expect(seen).toEqual(['user-1', 'user-1']);
    const sync = defineTool({ name: 'sync', ...base, needsApproval: ({ amount }) => amount > 1 });
    expect(await decideApproval(sync, { amount: 2 }, context, opts)).toBe('ask');
  });

  it('asks nobody about input the schema refuses (the call ends output-error when run)', async () => {
    const { context } = fakeToolContext();
    const rule = vi.fn(() => true);
    const pay = defineTool({ name: 'pay', ...base, needsApproval: rule });
    expect(await decideApproval(pay, { amount: 'lots' }, context, opts)).toBe('run');
    expect(rule).not.toHaveBeenCalled();
  });

  it('a rule that throws ends the call output-error, unrun, and logs why', async () => {
    const { context, log } = fakeToolContext();
    const broken = defineTool({
      name: 'broken',
      ...base,
      needsApproval: () => {
        throw new Error('no rule');
      },
    });
    expect(await decideApproval(broken, { amount: 1 }, context, opts)).toEqual({
      state: 'output-error',
      errorText: 'The approval rule (needsApproval) of tool "broken" failed (no rule): the call was not run',
    });
    expect(log.lines[0]).toMatchObject({
      level: 'warn',
      args: [{ tool: 'broken' }, expect.stringMatching(/needsApproval/)],
    });
  });

  it('a rule past the timeout (the tool’s own, else the server’s) ends the call output-error; its signal aborts', async () => {
    vi.useFakeTimers();
    const { context } = fakeToolContext();
    const seen: { signal?: AbortSignal } = {};
    const rule = (_input: { amount: number }, ctx: ToolContext) => {
      seen.signal = ctx.signal;
      return new Promise<boolean>(() => {});
    };
    const slow = defineTool({ name: 'slow', ...base, timeoutMs: 20, needsApproval: rule });
    const own = decideApproval(slow, { amount: 1 }, context, { timeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(20);
    expect(await own).toEqual({
      state: 'output-error',
      errorText: expect.stringMatching(/needsApproval\) of tool "slow" timed out after 20 ms/),
    });
    expect(seen.signal?.aborted).toBe(true);
    const server = defineTool({ name: 'server', ...base, needsApproval: rule });
    const servers = decideApproval(server, { amount: 1 }, context, { timeoutMs: 30 });
    await vi.advanceTimersByTimeAsync(30);
    expect(await servers).toMatchObject({ errorText: expect.stringMatching(/timed out after 30 ms/) });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a stop during a rule that ignores its signal settles at once as stopped', async () => {
    vi.useFakeTimers();
    const { context, controller } = fakeToolContext();
    let asked!: () => void;
    const asking = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const deaf = defineTool({
      name: 'deaf',
      ...base,
      needsApproval: () => {
        asked();
        return new Promise<boolean>(() => {});
      },
    });
    const deciding = decideApproval(deaf, { amount: 1 }, context, { timeoutMs: 60_000 });
    await asking;
    controller.abort();
    expect(await deciding).toEqual({ state: 'output-error', errorText: stoppedErrorText });
    expect(vi.getTimerCount()).toBe(0);
  });
});
