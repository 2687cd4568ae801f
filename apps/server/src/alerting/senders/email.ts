/** EMAIL over SMTP with nodemailer: plain text with the diff; STARTTLS required, implicit TLS, or none. */
import { createTransport } from 'nodemailer';
import type { NotificationMessage } from '../message.js';
import type { SendOutcome } from './outcome.js';
import { plainText, subjectOf } from './text-body.js';

export interface EmailSettings {
  host: string;
  port: number;
  /** `starttls` (upgrade required), `tls` (implicit, usually port 465) or `none` (a local relay). */
  security: 'starttls' | 'tls' | 'none';
  username: string | null;
  from: string;
  to: string[];
}

export async function sendEmail(
  settings: EmailSettings,
  password: string | null,
  messages: NotificationMessage[],
  timeoutMs: number,
): Promise<SendOutcome> {
  const started = performance.now();
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.username ? { user: settings.username, pass: password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject: subjectOf(messages),
      text: plainText(messages),
      headers: { 'X-DeviceVault-Event-Id': messages.map((message) => message.id).join(', ') },
    });
    const code = Number(/^(\d{3})/.exec(String(info.response))?.[1] ?? 250);
    return { delivered: true, statusCode: code, error: null, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode ?? null;
    return {
      delivered: false,
      statusCode: code,
      error: String((error as Error).message ?? error).slice(0, 500),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    transport.close();
  }
}
