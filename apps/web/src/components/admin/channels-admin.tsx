'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { ChannelEditor, type EditedChannel } from './channel-editor';
import { ChannelEmailFields, emailSettingsFrom } from './channel-email-fields';

const ChannelsAdmin_ChannelsQuery = graphql(`
  query ChannelsAdmin_ChannelsQuery {
    notificationChannels {
      id name kind target createdAt
      email { host port security username from to }
    }
    notifications(first: 50) {
      edges {
        node {
          id channelId purpose state attempts createdAt deliveredAt lastError
          deliveryLog { attempt startedAt statusCode delivered durationMs error }
        }
      }
    }
  }
`);

const ChannelsAdmin_CreateChannelMutation = graphql(`
  mutation ChannelsAdmin_CreateChannelMutation($input: CreateNotificationChannelInput!) {
    createNotificationChannel(input: $input) {
      __typename
      ... on CreateNotificationChannelSuccess { signingSecret channel { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const ChannelsAdmin_SendTestMutation = graphql(`
  mutation ChannelsAdmin_SendTestMutation($input: SendTestNotificationInput!) {
    sendTestNotification(input: $input) {
      __typename
      ... on SendTestNotificationSuccess { outcome { delivered statusCode durationMs error } }
      ... on Error { message }
    }
  }
`);

const ChannelsAdmin_DeleteChannelMutation = graphql(`
  mutation ChannelsAdmin_DeleteChannelMutation($input: DeleteNotificationChannelInput!) {
    deleteNotificationChannel(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

const KINDS = ['WEBHOOK', 'SLACK', 'TEAMS', 'EMAIL'] as const;
type Kind = (typeof KINDS)[number];

type LogRow = {
  key: string;
  channelId: string;
  purpose: string;
  at: string;
  delivered: boolean;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
};

/**
 * Notification channels: create (a webhook's signing secret is shown once; an e-mail channel's SMTP password
 * is write-only), edit, send a test, and the delivery log (the server keeps test sends in it too).
 */
export function ChannelsAdmin() {
  const announce = useAnnounce();
  const [{ data, error }, reexecute] = useQuery({ query: ChannelsAdmin_ChannelsQuery });
  const [{ fetching }, create] = useMutation(ChannelsAdmin_CreateChannelMutation);
  const [, sendTest] = useMutation(ChannelsAdmin_SendTestMutation);
  const [, remove] = useMutation(ChannelsAdmin_DeleteChannelMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [kind, setKind] = useState<Kind>('WEBHOOK');
  const [editing, setEditing] = useState<EditedChannel | null>(null);
  const [testFailure, setTestFailure] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setProblem(null);
    setSecret(null);
    const name = String(form.get('name') ?? '').trim();
    const { password, ...email } = emailSettingsFrom(form);
    const result = await create({
      input:
        kind === 'EMAIL'
          ? { name, kind, email: { ...email, username: email.username || null, password: password || null } }
          : { name, kind, url: String(form.get('url') ?? '').trim() },
    });
    const payload = result.data?.createNotificationChannel;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateNotificationChannelSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    setKind('WEBHOOK');
    if (payload.signingSecret) setSecret({ name: payload.channel.name, secret: payload.signingSecret });
    announce(`Channel ${payload.channel.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  async function test(channel: { id: string; name: string }) {
    setTestFailure(null);
    const result = await sendTest({ input: { channelId: channel.id } });
    const payload = result.data?.sendTestNotification;
    const outcome = payload?.__typename === 'SendTestNotificationSuccess' ? payload.outcome : null;
    if (!outcome) {
      const failure = payload && 'message' in payload ? payload.message : errorMessage(result.error);
      setTestFailure(`Test to ${channel.name} not sent: ${failure}`);
      return announce(`Test to ${channel.name} not sent`);
    }
    announce(`Test to ${channel.name} ${outcome.delivered ? 'delivered' : 'failed'}`);
    reexecute({ requestPolicy: 'network-only' });
  }

  const channels = data?.notificationChannels ?? [];
  const names = new Map(channels.map((channel) => [channel.id, channel.name]));
  const log: LogRow[] =
    data?.notifications.edges.flatMap(({ node }): LogRow[] =>
      node.deliveryLog.length === 0
        ? [
            {
              key: node.id,
              channelId: node.channelId,
              purpose: node.purpose,
              at: node.createdAt,
              delivered: false,
              statusCode: null,
              durationMs: null,
              error: node.lastError ?? node.state,
            },
          ]
        : node.deliveryLog.map((attempt) => ({
            key: `${node.id}-${attempt.attempt}`,
            channelId: node.channelId,
            purpose: node.purpose,
            at: attempt.startedAt,
            delivered: attempt.delivered,
            statusCode: attempt.statusCode,
            durationMs: attempt.durationMs,
            error: attempt.error,
          })),
    ) ?? [];

  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="channels-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Target</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {channels.map((channel) => (
              <tr key={channel.id}>
                <td>{channel.name}</td>
                <td>{channel.kind.toLowerCase()}</td>
                <td className="mono">{channel.target}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Send test to ${channel.name}`}
                    onClick={() => void test(channel)}
                  >
                    Send test
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Edit channel ${channel.name}`}
                    onClick={() => setEditing(channel)}
                  >
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Delete channel ${channel.name}`}
                    onClick={async () => {
                      await remove({ input: { id: channel.id } });
                      announce(`Channel ${channel.name} deleted`);
                      reexecute({ requestPolicy: 'network-only' });
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {testFailure ? (
        <p className="inline-error" role="alert">
          {testFailure}
        </p>
      ) : null}
      {editing ? (
        <ChannelEditor
          key={editing.id}
          channel={editing}
          onSecret={setSecret}
          onDone={() => {
            setEditing(null);
            reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      {secret ? (
        <p className="notice" role="status" data-testid="signing-secret">
          Signing secret of {secret.name} (shown once, store it now): <code>{secret.secret}</code>
        </p>
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)} data-testid="channel-form">
        <h2>New channel</h2>
        <FormField label="Name" error={problem?.field === 'name' ? problem.message : null}>
          <input name="name" required autoComplete="off" />
        </FormField>
        <FormField label="Kind" error={problem?.field === 'kind' ? problem.message : null}>
          <select
            name="kind"
            value={kind}
            onChange={(event) => setKind(KINDS.find((candidate) => candidate === event.target.value) ?? 'WEBHOOK')}
          >
            {KINDS.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate === 'EMAIL' ? 'e-mail' : candidate.toLowerCase()}
              </option>
            ))}
          </select>
        </FormField>
        {kind === 'EMAIL' ? (
          <ChannelEmailFields problem={problem} editing={false} />
        ) : (
          <FormField label="URL" error={problem?.field === 'url' ? problem.message : null}>
            <input name="url" type="url" required autoComplete="off" />
          </FormField>
        )}
        {problem && !['name', 'kind', 'url'].includes(problem.field ?? '') && !problem.field?.startsWith('email.') ? (
          <p className="inline-error" role="alert">
            {problem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={fetching}>
            Create channel
          </button>
        </div>
      </form>
      <h2>Delivery log</h2>
      {log.length === 0 ? <p className="muted">Nothing sent yet.</p> : null}
      {log.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table" data-testid="delivery-log">
            <thead>
              <tr>
                <th>Time</th>
                <th>Channel</th>
                <th>Purpose</th>
                <th>Result</th>
                <th className="num">Duration</th>
              </tr>
            </thead>
            <tbody>
              {log.map((row) => (
                <tr key={row.key} data-testid="delivery-row" data-delivered={row.delivered}>
                  <td>{formatDateTime(row.at)}</td>
                  <td>{names.get(row.channelId) ?? row.channelId}</td>
                  <td>{row.purpose}</td>
                  <td>
                    {row.delivered ? (
                      <span className="badge badge-succeeded">delivered {row.statusCode ?? ''}</span>
                    ) : (
                      <span className="badge badge-failed">failed {row.statusCode ?? ''}</span>
                    )}
                    {row.error ? <span className="muted small"> {row.error}</span> : null}
                  </td>
                  <td className="num">{row.durationMs === null ? '—' : `${row.durationMs} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
