/** WEBHOOK: the message as JSON (a digest: `{ id, kind: "DIGEST", items }`), signed with the channel's secret. */
import type { NotificationMessage } from '../message.js';
import { signWebhook } from '../webhook-signature.js';
import { postJson, type SendOutcome } from './outcome.js';

export function sendWebhook(
  target: { url: string; signingSecret: string },
  messages: NotificationMessage[],
  options: { now: Date; timeoutMs: number; digestId: string; stop?: AbortSignal },
): Promise<SendOutcome> {
  const body = JSON.stringify(
    messages.length === 1 ? messages[0] : { id: options.digestId, kind: 'DIGEST', items: messages },
  );
  return postJson(
    target.url,
    body,
    {
      'x-devicevault-signature': signWebhook(target.signingSecret, body, options.now),
      'x-devicevault-event-id': messages.length === 1 ? messages[0]!.id : options.digestId,
    },
    options.timeoutMs,
    options.stop,
  );
}
