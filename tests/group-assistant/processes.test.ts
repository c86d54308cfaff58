/**
 * An assistant member across two processes sharing PostgreSQL and Redis: a mention sent on one
 * process is answered there and streamed — deltas, `assistant.state`, `message.completed` — to the
 * other person's socket on the other process (the send itself answers once the message is stored), and a second tab following the reply from its start
 * on that other process gets the whole reply.
 */
import { demoTools, resolveModels } from '@chatwire/server';
import { call, connectRealtime, readSse, replyFromEvents, signUp } from '@chatwire/server/testing';
import { expect, it } from 'vitest';
import { describeOnTwoProcesses } from '../support/two-processes.js';
import { completedOn, groupWith, say, statesOn, streamedText } from './support.js';

describeOnTwoProcesses(
  'an assistant in a group across processes',
  'group-assistant:',
  (servers) => {
    it('a mention on one process streams to a socket on the other, and a second tab there follows it', async () => {
      const { one, two } = servers;
      const [ada, bob] = await Promise.all([signUp(one.url, 'ada'), signUp(two.url, 'bob')]);
      const group = await groupWith(one, ada, [bob], { model: 'echo', respondTo: 'mentions' });
      const adaOnOne = await connectRealtime(one.url, { token: ada.token });
      try {
        // Bob asks on two, where the reply is generated; the send answers once his message is stored.
        const asked = await call(`${two.url}/v1/conversations/${group.id}/messages`, {
          token: bob.token,
          body: { content: '@assistant tell me something long' },
        });
        expect(asked.status).toBe(201);
        const { event: started } = await adaOnOne.waitForEvent(
          (event) => event.type === 'message.started' && event.conversationId === group.id,
        );
        const replyId = (started as { messageId: string }).messageId;
        // A second tab of Ada's, on the process that is not generating it, follows it from its start.
        const follower = readSse(`${one.url}/v1/conversations/${group.id}/messages/${replyId}/stream`, {
          token: ada.token,
        });
        await follower.done;

        const reply = await completedOn(adaOnOne, replyId);
        expect(reply).toMatchObject({ role: 'assistant', model: 'echo', status: 'complete' });
        expect(reply.content).toContain('long');
        expect(streamedText(adaOnOne, replyId).length).toBeGreaterThan(0);
        expect(replyFromEvents(follower.events as never).parts).toEqual(reply.parts);

        await adaOnOne.waitForEvent(
          (event) =>
            event.type === 'assistant.state' && event.messageId === replyId && event.state === 'idle',
        );
        const states = statesOn(adaOnOne, replyId);
        expect(states[0]).toBe('thinking');
        expect(states).toContain('writing');
      } finally {
        await adaOnOne.close();
      }
    });

    it('a plain message reaches the other process and starts no reply', async () => {
      const { one, two } = servers;
      const [ada, bob] = await Promise.all([signUp(one.url, 'ada'), signUp(two.url, 'bob')]);
      const group = await groupWith(one, ada, [bob], { model: 'echo', respondTo: 'mentions' });
      const bobOnTwo = await connectRealtime(two.url, { token: bob.token });
      try {
        const sent = await say(one, ada, group.id, 'no mention here');
        expect(sent.reply).toBeNull();
        await bobOnTwo.waitForEvent(
          (event) => event.type === 'message.created' && event.message.id === sent.message.id,
        );
        const asked = await say(one, ada, group.id, '@assistant now');
        await completedOn(bobOnTwo, asked.reply!.id);
        const started = bobOnTwo.events().filter((frame) => frame.event.type === 'message.started');
        expect(started).toHaveLength(1);
      } finally {
        await bobOnTwo.close();
      }
    });
  },
  {
    app: {
      tools: demoTools,
      // Paced a little, so that the second tab joins a reply still being written (it passes either way).
      models: resolveModels({}, { echo: { chunkDelayMs: 2, firstChunkDelayMs: 0 } }),
    },
  },
);
