/**
 * A WebSocket client at the byte level (a plain TCP socket that performs the upgrade itself), so tests can
 * send frames no well-behaved client library would: bad opcodes, invalid UTF-8, unmasked or oversized
 * frames. Reads back the close code the server answers with.
 */
import { connect, type Socket } from 'node:net';

export async function openRawWebSocket(port: number, path = '/graphql'): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: graphql-transport-ws',
      '',
      '',
    ].join('\r\n'),
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    function onData(chunk: Buffer) {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      else resolve();
    }
    socket.on('data', onData);
    socket.once('error', reject);
  });
  return socket;
}

/** A client frame (FIN set) masked with a zero key, so the payload bytes go out as they are. */
export function maskedFrame(opcode: number, payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header =
    bytes.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | bytes.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, bytes.length >> 8, bytes.length & 0xff]);
  return Buffer.concat([header, Buffer.alloc(4), bytes]);
}

/**
 * Writes `bytes`, then reads server frames until the connection ends; returns the code of the server's close
 * frame, or null if the connection ended without one. Other frames (a `connection_ack`…) are skipped.
 */
export function closeCodeAfter(socket: Socket, ...writes: Buffer[]): Promise<number | null> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let code: number | null = null;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 2) {
        const opcode = received[0]! & 0x0f;
        let length = received[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (received.length < 4) return;
          length = received.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (received.length < 10) return;
          length = Number(received.readBigUInt64BE(2));
          offset = 10;
        }
        if (received.length < offset + length) return;
        if (opcode === 0x8 && length >= 2) {
          code = received.readUInt16BE(offset);
          socket.end();
        }
        received = received.subarray(offset + length);
      }
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(code));
    for (const bytes of writes) socket.write(bytes);
  });
}
