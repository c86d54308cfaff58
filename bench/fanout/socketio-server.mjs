// Baseline 2: Socket.IO. A `msg` from the sender is broadcast to every other socket
// (`socket.broadcast.emit`: io.emit minus the sender), encoded once for all of them.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serve } from './child.mjs';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => {
  socket.on('msg', (payload) => socket.broadcast.emit('msg', payload));
});
http.listen(0, '127.0.0.1', () => serve(`http://127.0.0.1:${http.address().port}`));
