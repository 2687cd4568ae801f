/**
 * Real receivers for alerting tests: an HTTP server that records every POST by path (checking the webhook
 * signature with the channel's secret) and can be told to answer a path with a list of status codes or to
 * hang; and an SMTP server (smtp-server) that keeps every message and every login.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhookSignature } from '../../src/alerting/webhook-signature.js';

export interface ReceivedPost {
  path: string;
  body: string;
  json: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** Answered with this status. */
  status: number;
  signatureValid: boolean | null;
}

export async function startHttpReceiver() {
  const posts: ReceivedPost[] = [];
  const scripts = new Map<string, number[]>();
  const secrets = new Map<string, string>();
  let hangMs = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const script = scripts.get(path);
      const status = script && script.length > 0 ? script.shift()! : 200;
      const secret = secrets.get(path);
      const header = request.headers['x-devicevault-signature'];
      const signatureValid = secret ? typeof header === 'string' && verifyWebhookSignature(secret, body, header) : null;
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body);
      } catch {}
      const answer = () => {
        posts.push({ path, body, json, headers: request.headers, status, signatureValid });
        response.writeHead(status).end();
      };
      if (hangMs > 0) setTimeout(answer, hangMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    posts,
    /** Answers the next POSTs to `path` with these statuses, then 200. */
    script(path: string, statuses: number[]) {
      scripts.set(path, [...statuses]);
    },
    /** Checks X-DeviceVault-Signature of POSTs to `path` with this secret. */
    expectSignature(path: string, secret: string) {
      secrets.set(path, secret);
    },
    hang(ms: number) {
      hangMs = ms;
    },
    delivered(path: string) {
      return posts.filter((post) => post.path === path && post.status >= 200 && post.status < 300);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export async function startSmtpReceiver() {
  const mails: ReceivedMail[] = [];
  /** Every AUTH the server was given (it accepts any), to see which password a channel sent. */
  const logins: { username: string; password: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((to) => to.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, logins, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Waits (minutes of patience) until `check` holds; fails only if it never does. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 3 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The text of a received mail: headers plus its body with quoted-printable undone (nodemailer uses it for UTF-8). */
export function mailText(mail: ReceivedMail): string {
  const split = mail.raw.indexOf('\r\n\r\n');
  const headers = mail.raw.slice(0, split);
  const body = mail.raw.slice(split + 4);
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(headers)) return `${headers}\n\n${body}`;
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return `${headers}\n\n${Buffer.from(bytes).toString('utf8')}`;
}
