// The HTTP baseline: a bare Fastify route that verifies the same JWT with jose and returns the
// same JSON our server would. Anything our server costs beyond this is chatwire's overhead.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { jwtVerify } from 'jose';

const key = new TextEncoder().encode(process.env.JWT_SECRET);
const page = JSON.parse(readFileSync(process.env.PAGE_FILE, 'utf8'));
const sent = JSON.parse(readFileSync(process.env.SENT_FILE, 'utf8'));
const app = Fastify({ logger: false });

async function verify(request) {
  const token = (request.headers.authorization ?? '').slice(7);
  await jwtVerify(token, key, { issuer: 'chatwire', audience: 'chatwire', algorithms: ['HS256'] });
}

app.get('/v1/conversations', async (request) => {
  await verify(request);
  return page;
});
app.post('/v1/conversations/:id/messages', async (request, reply) => {
  await verify(request);
  reply.code(201);
  return { ...sent, message: { ...sent.message, content: request.body.content } };
});

await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening http://127.0.0.1:${app.server.address().port}`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
