import type { MessageStatus, ToolPart } from '@chatwire/sdk';
import { useState } from 'react';
import { runsInBrowser } from '../../browser-tools';

interface ToolCallProps {
  call: ToolPart;
  /** The status of the reply that made the call. */
  replyStatus: MessageStatus;
  onApprove(approved: boolean): Promise<void>;
}

/**
 * One tool call, its whole life read from its part: the input as the model writes it, the call
 * running, then its output, error or refusal; Approve / Deny while it waits for a person.
 */
export function ToolCall({ call, replyStatus, onApprove }: ToolCallProps) {
  const where = runsInBrowser(call.toolName) ? 'in your browser' : 'on the server';
  const { label, tone } = stateOf(call, replyStatus);
  return (
    <section
      className={`tool-call ${tone}`}
      data-tool={call.toolName}
      data-state={call.state}
      aria-label={`Tool call: ${call.toolName}`}
    >
      <header>
        <code className="tool-name">{call.toolName}</code>
        <span className="tool-state">{label}</span>
        <span className="tool-where">{where}</span>
      </header>
      <Json
        label="Input"
        value={call.state === 'input-streaming' ? call.inputText : call.input}
        raw={call.state === 'input-streaming'}
      />
      {call.state === 'output-available' && <Json label="Output" value={call.output} />}
      {call.errorText && <p className="tool-error">{call.errorText}</p>}
      {call.state === 'approval-requested' && replyStatus === 'awaiting_input' && (
        <Approval toolName={call.toolName} onApprove={onApprove} />
      )}
    </section>
  );
}

/** What the card says of the call, and its colour. */
function stateOf(call: ToolPart, replyStatus: MessageStatus): { label: string; tone: string } {
  const ended = replyStatus !== 'streaming' && replyStatus !== 'awaiting_input';
  switch (call.state) {
    case 'input-streaming':
      return { label: ended ? 'Not run' : 'Writing the input…', tone: 'pending' };
    case 'input-available':
      if (ended) return { label: 'Not run', tone: 'pending' };
      return { label: call.approval?.approved ? 'Approved · running…' : 'Running…', tone: 'pending' };
    case 'approval-requested':
      return { label: ended ? 'Not answered' : 'Needs your approval', tone: 'asking' };
    case 'output-available':
      return { label: call.approval?.approved ? 'Approved · done' : 'Done', tone: 'done' };
    case 'output-error':
      return { label: 'Failed', tone: 'failed' };
    case 'output-denied':
      return { label: 'Denied', tone: 'failed' };
  }
}

/** A collapsible JSON value; `raw` shows a string as it is (input still being written). */
function Json({ label, value, raw = false }: { label: string; value: unknown; raw?: boolean }) {
  if (value === undefined) return null;
  const text = raw ? String(value) : JSON.stringify(value, null, 2);
  return (
    <details className="tool-json" open>
      <summary>{label}</summary>
      <pre>{text}</pre>
    </details>
  );
}

function Approval({
  toolName,
  onApprove,
}: {
  toolName: string;
  onApprove(approved: boolean): Promise<void>;
}) {
  const [answering, setAnswering] = useState(false);
  const answer = (approved: boolean) => {
    setAnswering(true);
    void onApprove(approved).finally(() => setAnswering(false));
  };
  return (
    <div className="approval">
      <span>Run {toolName} with this input?</span>
      <button type="button" className="primary" disabled={answering} onClick={() => answer(true)}>
        Approve
      </button>
      <button type="button" disabled={answering} onClick={() => answer(false)}>
        Deny
      </button>
    </div>
  );
}
