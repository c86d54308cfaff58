import { ChatwireProvider } from '@chatwire/react';
import { createClient, localStorageTokenStore } from '@chatwire/sdk';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { browserTools } from './browser-tools';
import './styles.css';

// The page's own origin: Vite forwards /v1 (and the WebSocket) to the chatwire server.
// localStorage keeps the session across reloads.
const client = createClient({ baseUrl: window.location.origin, tokenStore: localStorageTokenStore() });

// The store's tools run in every assistant chat: in the replies we send, and in one found waiting
// for them after a reload.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ChatwireProvider client={client} options={{ tools: browserTools }}>
      <App />
    </ChatwireProvider>
  </StrictMode>,
);
