// Hand-written on purpose: no maintained npm TFTP library; this is the byte layout shared by our client and test servers.
/**
 * TFTP wire format (RFC 1350 packets, RFC 2347 options). Pure encode/decode so the client and the
 * test servers share one implementation of the byte layout.
 */

export const tftpOpcode = { rrq: 1, wrq: 2, data: 3, ack: 4, error: 5, oack: 6 } as const;

/** RFC 1350 error codes plus RFC 2347's option-negotiation refusal (8). */
export const tftpErrorCode = {
  notDefined: 0,
  fileNotFound: 1,
  accessViolation: 2,
  diskFull: 3,
  illegalOperation: 4,
  unknownTransferId: 5,
  fileExists: 6,
  noSuchUser: 7,
  optionRefused: 8,
} as const;

export type TftpPacket =
  | { op: 'rrq'; filename: string; mode: string; options: Record<string, string> }
  | { op: 'data'; block: number; data: Buffer }
  | { op: 'ack'; block: number }
  | { op: 'error'; code: number; message: string }
  | { op: 'oack'; options: Record<string, string> }
  | { op: 'invalid' };

function cString(value: string): Buffer {
  return Buffer.from(`${value}\0`, 'latin1');
}

export function encodeRrq(filename: string, options: Record<string, string> = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0, tftpOpcode.rrq]), cString(filename), cString('octet')];
  for (const [name, value] of Object.entries(options)) parts.push(cString(name), cString(value));
  return Buffer.concat(parts);
}

export function encodeAck(block: number): Buffer {
  const packet = Buffer.allocUnsafe(4);
  packet.writeUInt16BE(tftpOpcode.ack, 0);
  packet.writeUInt16BE(block & 0xffff, 2);
  return packet;
}

export function encodeData(block: number, data: Buffer): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt16BE(tftpOpcode.data, 0);
  head.writeUInt16BE(block & 0xffff, 2);
  return Buffer.concat([head, data]);
}

export function encodeError(code: number, message: string): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt16BE(tftpOpcode.error, 0);
  head.writeUInt16BE(code, 2);
  return Buffer.concat([head, cString(message)]);
}

export function encodeOack(options: Record<string, string>): Buffer {
  const parts: Buffer[] = [Buffer.from([0, tftpOpcode.oack])];
  for (const [name, value] of Object.entries(options)) parts.push(cString(name), cString(value));
  return Buffer.concat(parts);
}

/** Splits NUL-terminated strings; a missing final NUL is tolerated because some servers omit it. */
function cStrings(body: Buffer): string[] {
  const strings: string[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0, start);
    if (end === -1) end = body.length;
    strings.push(body.toString('latin1', start, end));
    start = end + 1;
  }
  return strings;
}

function optionPairs(strings: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (let i = 0; i + 1 < strings.length; i += 2) {
    // Option names are case-insensitive (RFC 2347).
    options[strings[i]!.toLowerCase()] = strings[i + 1]!;
  }
  return options;
}

export function decodePacket(packet: Buffer): TftpPacket {
  if (packet.length < 2) return { op: 'invalid' };
  const op = packet.readUInt16BE(0);
  switch (op) {
    case tftpOpcode.data:
      if (packet.length < 4) return { op: 'invalid' };
      return { op: 'data', block: packet.readUInt16BE(2), data: packet.subarray(4) };
    case tftpOpcode.ack:
      if (packet.length < 4) return { op: 'invalid' };
      return { op: 'ack', block: packet.readUInt16BE(2) };
    case tftpOpcode.error: {
      if (packet.length < 4) return { op: 'invalid' };
      const [message = ''] = cStrings(packet.subarray(4));
      return { op: 'error', code: packet.readUInt16BE(2), message };
    }
    case tftpOpcode.oack:
      return { op: 'oack', options: optionPairs(cStrings(packet.subarray(2))) };
    case tftpOpcode.rrq: {
      const [filename = '', mode = '', ...rest] = cStrings(packet.subarray(2));
      return { op: 'rrq', filename, mode: mode.toLowerCase(), options: optionPairs(rest) };
    }
    default:
      return { op: 'invalid' };
  }
}
