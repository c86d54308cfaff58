import type { ChatMessage, MessagePart } from '@chatwire/sdk';
import { MessageFiles } from '../files/MessageFiles';
import { Markdown } from './Markdown';
import { Reasoning } from './Reasoning';
import { ToolCall } from './ToolCall';

interface ReplyPartsProps {
  reply: ChatMessage;
  onApprove(toolCallId: string, approved: boolean): Promise<void>;
}

/**
 * An assistant reply, part by part: text as Markdown, reasoning folded, a card per tool call, a
 * thin line where the model starts again after tool results.
 */
export function ReplyParts({ reply, onApprove }: ReplyPartsProps) {
  const streaming = reply.status === 'streaming';
  const last = reply.parts.length - 1;
  return (
    <>
      {reply.parts.map((part, index) => (
        <Part
          // Parts only grow and change in place: their index is who they are.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={index}
          part={part}
          first={index === 0}
          live={streaming && index === last}
          reply={reply}
          onApprove={onApprove}
        />
      ))}
      {streaming && reply.parts.every((part) => part.type === 'step-start') && (
        <span className="caret" aria-hidden />
      )}
    </>
  );
}

interface PartProps extends ReplyPartsProps {
  part: MessagePart;
  first: boolean;
  live: boolean;
}

function Part({ part, first, live, reply, onApprove }: PartProps) {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : <Markdown text={part.text} live={live} />;
    case 'reasoning':
      return <Reasoning text={part.text} live={live} />;
    case 'tool':
      return (
        <ToolCall
          call={part}
          replyStatus={reply.status}
          onApprove={(approved) => onApprove(part.toolCallId, approved)}
        />
      );
    case 'step-start':
      return first ? null : <hr className="step" />;
    case 'source-url':
      return (
        <a className="source" href={part.url} target="_blank" rel="noreferrer">
          {part.title ?? part.url}
        </a>
      );
    case 'file':
      return <MessageFiles files={[part]} />;
  }
}
