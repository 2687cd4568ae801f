'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { EVENT_KINDS } from '../../lib/event-kinds';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { AlertRuleEditor } from './alert-rule-editor';

const AlertRulesAdmin_RulesQuery = graphql(`
  query AlertRulesAdmin_RulesQuery {
    alertRules { id name kinds channelIds deviceGroupIds minConsecutiveFailures significantOnly digestMinutes }
    notificationChannels { id name kind }
    deviceGroups(first: 100) { edges { node { id name } } }
  }
`);

const AlertRulesAdmin_CreateRuleMutation = graphql(`
  mutation AlertRulesAdmin_CreateRuleMutation($input: CreateAlertRuleInput!) {
    createAlertRule(input: $input) {
      __typename
      ... on CreateAlertRuleSuccess { alertRule { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const AlertRulesAdmin_DeleteRuleMutation = graphql(`
  mutation AlertRulesAdmin_DeleteRuleMutation($input: DeleteAlertRuleInput!) {
    deleteAlertRule(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

/** Alert rules: which events, for which device groups, go to which channels. */
export function AlertRulesAdmin() {
  const announce = useAnnounce();
  const [{ data, error }, reexecute] = useQuery({ query: AlertRulesAdmin_RulesQuery });
  const [{ fetching }, create] = useMutation(AlertRulesAdmin_CreateRuleMutation);
  const [, remove] = useMutation(AlertRulesAdmin_DeleteRuleMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const editedRule = data?.alertRules.find((rule) => rule.id === editing);
  const channels = new Map(data?.notificationChannels.map((channel) => [channel.id, channel.name]));
  const groups = new Map(data?.deviceGroups.edges.map(({ node }) => [node.id, node.name]));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setProblem(null);
    const kinds = form.getAll('kinds').flatMap((kind) => EVENT_KINDS.filter((candidate) => candidate === kind));
    const minimum = String(form.get('minConsecutiveFailures') ?? '');
    const result = await create({
      input: {
        name: String(form.get('name') ?? '').trim(),
        kinds,
        channelIds: form.getAll('channelIds').map(String),
        deviceGroupIds: form.getAll('deviceGroupIds').map(String),
        minConsecutiveFailures: minimum ? Number(minimum) : null,
      },
    });
    const payload = result.data?.createAlertRule;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateAlertRuleSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    announce(`Alert rule ${payload.alertRule.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="alert-rules-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Events</th>
              <th>Device groups</th>
              <th>Channels</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.alertRules.map((rule) => (
              <tr key={rule.id}>
                <td>{rule.name}</td>
                <td className="small">{rule.kinds.map((kind) => kind.toLowerCase()).join(', ')}</td>
                <td>{rule.deviceGroupIds.map((id) => groups.get(id) ?? id).join(', ') || 'all'}</td>
                <td>{rule.channelIds.map((id) => channels.get(id) ?? id).join(', ')}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Edit ${rule.name}`}
                    onClick={() => setEditing(rule.id)}
                  >
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Delete alert rule ${rule.name}`}
                    onClick={async () => {
                      await remove({ input: { id: rule.id } });
                      announce(`Alert rule ${rule.name} deleted`);
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
      {editedRule ? (
        <AlertRuleEditor
          key={editedRule.id}
          rule={editedRule}
          channels={data?.notificationChannels ?? []}
          groups={data?.deviceGroups.edges.map(({ node }) => node) ?? []}
          onDone={(saved) => {
            setEditing(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)} data-testid="alert-rule-form">
        <h2>New alert rule</h2>
        <FormField label="Name" error={fieldError('name')}>
          <input name="name" required autoComplete="off" />
        </FormField>
        <fieldset className="form-field">
          <legend>Events</legend>
          {EVENT_KINDS.map((kind) => (
            <label key={kind} className="toggle">
              <input type="checkbox" name="kinds" value={kind} defaultChecked={kind === 'BACKUP_FAILED'} />{' '}
              {kind.toLowerCase().replaceAll('_', ' ')}
            </label>
          ))}
          {fieldError('kinds') ? <span className="field-error">{fieldError('kinds')}</span> : null}
        </fieldset>
        <fieldset className="form-field">
          <legend>Channels</legend>
          {data?.notificationChannels.map((channel) => (
            <label key={channel.id} className="toggle">
              <input type="checkbox" name="channelIds" value={channel.id} /> {channel.name}
            </label>
          ))}
          {data?.notificationChannels.length === 0 ? <span className="muted">Create a channel first.</span> : null}
          {fieldError('channelIds') ? <span className="field-error">{fieldError('channelIds')}</span> : null}
        </fieldset>
        <fieldset className="form-field">
          <legend>Device groups (none: every device)</legend>
          {data?.deviceGroups.edges.map(({ node }) => (
            <label key={node.id} className="toggle">
              <input type="checkbox" name="deviceGroupIds" value={node.id} /> {node.name}
            </label>
          ))}
        </fieldset>
        <FormField label="Failures in a row before alerting" error={fieldError('minConsecutiveFailures')}>
          <input name="minConsecutiveFailures" inputMode="numeric" placeholder="1" />
        </FormField>
        {problem && !['name', 'kinds', 'channelIds', 'minConsecutiveFailures'].includes(problem.field ?? '') ? (
          <p className="inline-error" role="alert">
            {problem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={fetching}>
            Create alert rule
          </button>
        </div>
      </form>
    </>
  );
}
