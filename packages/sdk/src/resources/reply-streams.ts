/**
 * The streams of `client.messages`: over a route's SSE answer, able to stop their reply, and to
 * run the client's tools when the reply waits for them.
 */
import type { RouteCall, Transport } from '../client/transport.js';
import type { Routes } from '../contracts/routes.js';
import { type ChatStream, type ChatStreamSource, createChatStream } from '../streaming/chat-stream.js';
import { answerToolCalls, eventStream } from '../tools/answer-tool-calls.js';
import type { ClientTools } from '../tools/client-tool.js';

type StreamRoute = 'sendMessage' | 'regenerate' | 'streamMessage' | 'submitToolResult' | 'approveToolCall';

/** The helpers of the streams of a client whose own tools are `clientTools`. */
export function replyStreams(transport: Transport, clientTools: ClientTools) {
  /** The client's tools and a call's (a name of the call's wins). */
  const toolsWith = (tools: ClientTools | undefined): ClientTools =>
    tools ? { ...clientTools, ...tools } : clientTools;

  return {
    toolsWith,
    /**
     * A chat stream of a reply in conversation `id`, able to stop it and to run `tools` (and the
     * client's) for it — none at all for `false` (a stream that only watches the reply).
     */
    chatStream(
      id: string,
      source: Omit<ChatStreamSource, 'stop' | 'proceed'>,
      tools: ClientTools | false | undefined,
    ): ChatStream {
      const running = tools === false ? {} : toolsWith(tools);
      return createChatStream({
        ...source,
        stop: (messageId) => transport.request('stopMessage', { params: { id, messageId } }),
        proceed: Object.keys(running).length > 0 ? answerToolCalls(transport, running) : undefined,
      });
    },
    /** The request of a stream over `route`'s SSE answer (`call` made when it is opened: declaring tools may throw). */
    opener:
      <K extends StreamRoute>(route: K, call: RouteCall<Routes[K]> | (() => RouteCall<Routes[K]>)) =>
      (signal: AbortSignal) =>
        transport.send(route, {
          ...(typeof call === 'function' ? call() : call),
          headers: eventStream,
          signal,
        } as RouteCall<Routes[K]>),
  };
}
