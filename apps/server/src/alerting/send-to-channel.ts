/** Opens a channel's sealed secrets and sends messages with the sender of its kind. */
import type { NotificationChannelRow } from '@devicevault/schema/db/tables';
import type { NotificationMessage } from './message.js';
import { type EmailSettings, sendEmail } from './senders/email.js';
import type { SendOutcome } from './senders/outcome.js';
import { sendSlack } from './senders/slack.js';
import { sendTeams } from './senders/teams.js';
import { sendWebhook } from './senders/webhook.js';

/** What `notification_channels.secret_ciphertext` holds, once decrypted. */
export interface ChannelSecret {
  url?: string;
  signingSecret?: string;
  password?: string;
}

export interface SendOptions {
  decrypt(ciphertext: string): string;
  now: Date;
  timeoutMs: number;
  /** The id a digest goes out under (its first notification's id). */
  digestId: string;
  /** Aborts a send in flight when the server stops (the row goes back to the outbox). */
  stop?: AbortSignal;
}

export function sendToChannel(
  channel: NotificationChannelRow,
  messages: NotificationMessage[],
  options: SendOptions,
): Promise<SendOutcome> {
  const secret = JSON.parse(options.decrypt(channel.secretCiphertext)) as ChannelSecret;
  switch (channel.kind) {
    case 'WEBHOOK':
      return sendWebhook({ url: secret.url ?? '', signingSecret: secret.signingSecret ?? '' }, messages, options);
    case 'SLACK':
      return sendSlack(secret.url ?? '', messages, options.timeoutMs, options.stop);
    case 'TEAMS':
      return sendTeams(secret.url ?? '', messages, options.timeoutMs, options.stop);
    case 'EMAIL':
      return sendEmail(
        channel.settings as unknown as EmailSettings,
        secret.password ?? null,
        messages,
        options.timeoutMs,
      );
  }
}
