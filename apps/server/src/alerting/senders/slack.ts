/** SLACK: an incoming-webhook message (`text` plus mrkdwn blocks), with links back to the dashboard. */
import type { NotificationMessage } from '../message.js';
import { postJson, type SendOutcome } from './outcome.js';

/** Slack caps a section's text at 3,000 characters. */
const maxSectionChars = 2_900;

export function slackBody(messages: NotificationMessage[]) {
  const blocks = messages.flatMap((message) => {
    const links = [
      message.links.device ? `<${message.links.device}|device>` : null,
      message.links.diff ? `<${message.links.diff}|diff>` : null,
    ].filter(Boolean);
    const facts = [
      `*${escapeMrkdwn(message.summary)}*`,
      `${message.kind} · ${message.occurredAt}${message.group ? ` · group ${escapeMrkdwn(message.group.name)}` : ''}`,
      links.length > 0 ? links.join(' · ') : null,
    ].filter(Boolean);
    const section = { type: 'section', text: { type: 'mrkdwn', text: facts.join('\n') } };
    if (!message.diff) return [section];
    const diff = `\`\`\`${message.diff.unified.slice(0, maxSectionChars - 10)}\`\`\``;
    return [section, { type: 'section', text: { type: 'mrkdwn', text: diff } }];
  });
  return { text: messages.map((message) => message.summary).join('\n'), blocks: blocks.slice(0, 50) };
}

export function sendSlack(
  url: string,
  messages: NotificationMessage[],
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<SendOutcome> {
  return postJson(url, JSON.stringify(slackBody(messages)), {}, timeoutMs, stop);
}

/** Slack's three control characters in mrkdwn. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
