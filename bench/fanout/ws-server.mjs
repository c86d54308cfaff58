// Baseline 1: a raw `ws` broadcast. A frame from the sender is sent, as the same buffer, to every
// other socket (ws frames it per socket); compression off, as in chatwire.
import { WebSocketServer } from 'ws';
import { serve } from './child.mjs';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    for (const client of wss.clients) {
      if (client !== socket) client.send(data, { binary: false, compress: false });
    }
  });
});
wss.on('listening', () => serve(`ws://127.0.0.1:${wss.address().port}`));
