// Hand-written: npm's telnet clients parse IAC only at a chunk's start and own the login loop (telnet-client) or are AGPL-3.0 (telnet-stream); RFC 854/855 framing is this small.
/**
 * The byte level of TELNET (RFC 854/855), shared by our client and the replay server: splitting a byte
 * stream into data, commands (`IAC DO ECHO`) and subnegotiations, and encoding text for the wire (`IAC`
 * doubled, a bare CR sent as CR NUL as the network virtual terminal requires).
 */

export const telnetByte = {
  SE: 240,
  NOP: 241,
  GA: 249,
  SB: 250,
  WILL: 251,
  WONT: 252,
  DO: 253,
  DONT: 254,
  IAC: 255,
} as const;

export const telnetOption = {
  BINARY: 0,
  ECHO: 1,
  SGA: 3,
  TTYPE: 24,
  NAWS: 31,
} as const;

export type TelnetVerb = 'WILL' | 'WONT' | 'DO' | 'DONT';

export interface TelnetHandlers {
  /** Plain data bytes, IAC escapes and NVT CR NUL undone. */
  data(bytes: Buffer): void;
  /** `IAC <verb> <option>`. */
  command(verb: TelnetVerb, option: number): void;
  /** `IAC SB <option> … IAC SE`, the bytes between option and `IAC SE` with IAC IAC undone. */
  subnegotiation?(option: number, payload: Buffer): void;
}

const verbs: Record<number, TelnetVerb> = { 251: 'WILL', 252: 'WONT', 253: 'DO', 254: 'DONT' };

// Subnegotiations we care about are a few bytes; a peer that never ends one must not grow memory.
const maxSubnegotiationBytes = 1024;

type State = 'data' | 'cr' | 'iac' | 'verb' | 'sb-option' | 'sb' | 'sb-iac';

/** A decoder that keeps its state between chunks (an `IAC` can end one chunk and its verb start the next). */
export function createTelnetDecoder(handlers: TelnetHandlers): (chunk: Buffer) => void {
  let state: State = 'data';
  let verb: TelnetVerb = 'DO';
  let sbOption = 0;
  let sbBytes: number[] = [];

  return (chunk) => {
    const out = Buffer.allocUnsafe(chunk.length);
    let length = 0;
    for (const byte of chunk) {
      if (state === 'cr') {
        state = 'data';
        // CR NUL is how the NVT sends a bare carriage return: keep the CR (already out), drop the NUL.
        if (byte === 0) continue;
      }
      switch (state) {
        case 'data':
          if (byte === telnetByte.IAC) state = 'iac';
          else {
            out[length++] = byte;
            if (byte === 13) state = 'cr';
          }
          break;
        case 'iac':
          state = 'data';
          if (byte === telnetByte.IAC) out[length++] = byte;
          else if (verbs[byte]) {
            verb = verbs[byte];
            state = 'verb';
          } else if (byte === telnetByte.SB) state = 'sb-option';
          // GA, NOP, DM, AYT and the rest carry nothing a configuration backup needs.
          break;
        case 'verb':
          state = 'data';
          if (length > 0) handlers.data(Buffer.from(out.subarray(0, length)));
          length = 0;
          handlers.command(verb, byte);
          break;
        case 'sb-option':
          sbOption = byte;
          sbBytes = [];
          state = 'sb';
          break;
        case 'sb':
          if (byte === telnetByte.IAC) state = 'sb-iac';
          else if (sbBytes.length < maxSubnegotiationBytes) sbBytes.push(byte);
          break;
        case 'sb-iac':
          if (byte === telnetByte.SE) {
            state = 'data';
            handlers.subnegotiation?.(sbOption, Buffer.from(sbBytes));
          } else {
            state = 'sb';
            if (byte === telnetByte.IAC && sbBytes.length < maxSubnegotiationBytes) sbBytes.push(byte);
          }
          break;
      }
    }
    if (length > 0) handlers.data(Buffer.from(out.subarray(0, length)));
  };
}

/**
 * Data for the wire: every 0xFF doubled (RFC 854 IAC escaping) and, outside binary mode, a CR that is not
 * followed by LF sent as CR NUL. A lone LF becomes CR LF, the NVT's end of line, when `crlf` is set (client
 * to device: devices take CR LF as Enter; device to client leaves LF alone, so recordings stay byte-exact).
 */
export function encodeTelnetData(data: Buffer, options: { crlf: boolean }): Buffer {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 1) {
    const byte = data[i] ?? 0;
    if (byte === telnetByte.IAC) out.push(telnetByte.IAC, telnetByte.IAC);
    else if (byte === 13) {
      out.push(13);
      if (data[i + 1] !== 10) out.push(0);
    } else if (byte === 10 && options.crlf && data[i - 1] !== 13) out.push(13, 10);
    else out.push(byte);
  }
  return Buffer.from(out);
}

export function telnetCommand(verb: TelnetVerb, option: number): Buffer {
  return Buffer.from([telnetByte.IAC, telnetByte[verb], option]);
}

/** `IAC SB option payload IAC SE`, with 0xFF inside the payload doubled. */
export function telnetSubnegotiation(option: number, payload: Buffer): Buffer {
  const escaped = [...payload].flatMap((byte) => (byte === telnetByte.IAC ? [byte, byte] : [byte]));
  return Buffer.from([telnetByte.IAC, telnetByte.SB, option, ...escaped, telnetByte.IAC, telnetByte.SE]);
}
