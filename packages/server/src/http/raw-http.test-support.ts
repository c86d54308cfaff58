/**
 * Raw HTTP/1.1 over a TCP socket, for answers no HTTP client would let a test provoke (a request
 * head over Node's limit, a request line that is not HTTP, a refused WebSocket upgrade), and the
 * check every error answer of the API must pass: the one envelope.
 */
import { connect } from 'node:net';
import { ErrorEnvelope, errorStatus } from '@chatwire/sdk/contracts';

export interface RawAnswer {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** Writes `request` as is to `baseUrl`'s port and reads the answer until the server closes. */
export function rawRequest(baseUrl: string, request: string | Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close while the request is still being written (a head it stopped reading).
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) });
    });
    socket.write(request);
  });
}

/** Statuses the contract has no code for, answered with the closest one (edge-errors.ts). */
const statusesWithoutCode: Record<number, string> = {
  408: 'bad_request',
  414: 'bad_request',
  416: 'bad_request',
  417: 'bad_request',
  431: 'bad_request',
};

/**
 * What is wrong with an error answer, or `null` when it is the one envelope: JSON, the code's
 * status (or the closest code for a status without one), a request id that is the
 * `x-request-id` header where there is one, no stack frames.
 */
export function envelopeProblem(answer: {
  status: number;
  contentType: string | null | undefined;
  requestIdHeader: string | null | undefined;
  body: string;
}): string | null {
  if (!answer.contentType?.startsWith('application/json')) return `content-type ${answer.contentType}`;
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return `not JSON: ${answer.body.slice(0, 120)}`;
  }
  const parsed = ErrorEnvelope.safeParse(json);
  if (!parsed.success) return `not the envelope: ${answer.body.slice(0, 200)}`;
  const { code, requestId } = parsed.data.error;
  const expected = statusesWithoutCode[answer.status];
  if (expected ? code !== expected : errorStatus[code] !== answer.status)
    return `code ${code} with status ${answer.status}`;
  if (!requestId || !/^[0-9a-f-]{36}$/.test(requestId)) return `request id ${requestId}`;
  if (answer.requestIdHeader && answer.requestIdHeader !== requestId)
    return `x-request-id ${answer.requestIdHeader} is not the envelope's ${requestId}`;
  if (/at .+\.(js|ts|mjs|cjs):\d+/.test(answer.body)) return 'a stack trace';
  return null;
}
