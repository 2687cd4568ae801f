/**
 * Caps request bodies before anything parses them: a declared Content-Length over the limit is refused
 * at once, and a streamed (chunked) body is counted as it arrives and refused the moment it crosses the
 * limit. Refusals are 413 with a JSON GraphQL-style error; the rest of the body is drained (up to a cap,
 * so the client gets to read the answer) and the connection is closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** 2 MiB: a 10,000-device CSV import (about 700 KB, JSON-escaped) fits with room to spare. */
export const maxBodyBytes = 2 * 1024 * 1024;
/** How much of a refused body is read and thrown away before the socket is closed regardless. */
const drainCapBytes = 64 * 1024 * 1024;

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Buffers a request body of at most `limit` bytes, then hands the request on with the bytes attached as
 * `request.body` (which @whatwg-node, under yoga, reads instead of the consumed stream).
 */
export function limitBody(next: Handler, limit = maxBodyBytes): Handler {
  return (request, response) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') {
      next(request, response);
      return;
    }
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
      refuse(request, response, limit);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > limit) {
        refused = true;
        chunks.length = 0;
        request.off('data', onData);
        request.off('end', onEnd);
        refuse(request, response, limit);
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      if (refused) return;
      const body = Buffer.concat(chunks);
      // An empty body is left as the (ended) stream: yoga then answers "POST body is expected".
      if (body.length > 0) (request as IncomingMessage & { body?: Buffer }).body = body;
      next(request, response);
    }
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', () => response.destroy());
  };
}

function refuse(request: IncomingMessage, response: ServerResponse, limit: number) {
  const body = JSON.stringify({
    errors: [
      {
        message: `The request body is too large: the limit is ${limit} bytes (${Math.round(limit / 1024 / 1024)} MiB).`,
        extensions: { code: 'PAYLOAD_TOO_LARGE' },
      },
    ],
  });
  response.statusCode = 413;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.setHeader('Connection', 'close');
  response.end(body);
  let drained = 0;
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainCapBytes) request.socket.destroy();
  });
  request.resume();
}
