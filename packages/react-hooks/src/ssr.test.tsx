// @vitest-environment node
/**
 * A server render: no `window`, no effects. The hooks render their initial state and start nothing.
 */
import { createClient } from '@chatwire/sdk';
import { renderToString } from 'react-dom/server';
import { expect, it } from 'vitest';
import { ChatwireProvider } from './provider.js';
import { useAuth } from './use-auth.js';
import { useChat } from './use-chat.js';
import { useConversations } from './use-conversations.js';
import { useRealtimeStatus } from './use-realtime-status.js';
import { useTyping } from './use-typing.js';
import { useUploads } from './use-uploads.js';

function App() {
  const { status } = useAuth();
  const { conversations } = useConversations();
  const chat = useChat('00000000-0000-7000-8000-000000000001');
  const { typingUserIds } = useTyping('00000000-0000-7000-8000-000000000001');
  const { uploads } = useUploads('00000000-0000-7000-8000-000000000001');
  return (
    <p>
      {status} {conversations.length} {chat.status} {String(chat.isLoading)} {typingUserIds.length}{' '}
      {uploads.length} {useRealtimeStatus()}
    </p>
  );
}

it('renders on the server without touching window or the network', () => {
  expect(typeof window).toBe('undefined');
  const fetch = async () => {
    throw new Error('no request during a server render');
  };
  const client = createClient({ baseUrl: 'http://chat.invalid', fetch });
  const html = renderToString(
    <ChatwireProvider client={client}>
      <App />
    </ChatwireProvider>,
  );
  expect(html.replaceAll('<!-- -->', '')).toBe('<p>loading 0 ready true 0 0 idle</p>');
});
