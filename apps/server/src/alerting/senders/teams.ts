/** TEAMS: a Workflows ("Post to a channel when a webhook request is received") message holding an Adaptive Card. */
import type { NotificationMessage } from '../message.js';
import { postJson, type SendOutcome } from './outcome.js';

export function teamsBody(messages: NotificationMessage[]) {
  const body = messages.flatMap((message) => [
    { type: 'TextBlock', text: message.summary, weight: 'Bolder', size: 'Medium', wrap: true },
    {
      type: 'FactSet',
      facts: [
        { title: 'Event', value: message.kind },
        { title: 'When', value: message.occurredAt },
        ...(message.device ? [{ title: 'Device', value: `${message.device.name} (${message.device.host})` }] : []),
        ...(message.group ? [{ title: 'Group', value: message.group.name }] : []),
      ],
    },
    ...(message.diff
      ? [
          {
            type: 'TextBlock',
            text: message.diff.unified.slice(0, 8_000),
            fontType: 'Monospace',
            wrap: true,
            size: 'Small',
          },
        ]
      : []),
  ]);
  const first = messages[0];
  const actions = [
    ...(first?.links.device ? [{ type: 'Action.OpenUrl', title: 'Open device', url: first.links.device }] : []),
    ...(first?.links.diff ? [{ type: 'Action.OpenUrl', title: 'Open diff', url: first.links.diff }] : []),
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
        },
      },
    ],
  };
}

export function sendTeams(
  url: string,
  messages: NotificationMessage[],
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<SendOutcome> {
  return postJson(url, JSON.stringify(teamsBody(messages)), {}, timeoutMs, stop);
}
