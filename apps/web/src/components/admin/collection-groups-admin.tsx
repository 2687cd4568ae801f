'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatZonedDateTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { usePermissions } from '../viewer-provider';
import { CollectionGroupEditor } from './collection-group-editor';
import { ScheduleFields } from './schedule-fields';

const CollectionGroupsAdmin_GroupsQuery = graphql(`
  query CollectionGroupsAdmin_GroupsQuery {
    collectionGroups(first: 100) {
      edges { node { id name schedule timeZone backupWindow nextRunAt deviceCount maxConcurrent timeoutSeconds } }
    }
  }
`);

const CollectionGroupsAdmin_CreateMutation = graphql(`
  mutation CollectionGroupsAdmin_CreateMutation($input: CreateCollectionGroupInput!) {
    createCollectionGroup(input: $input) {
      __typename
      ... on CreateCollectionGroupSuccess { collectionGroup { id name nextRunAt } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const CollectionGroupsAdmin_DeleteMutation = graphql(`
  mutation CollectionGroupsAdmin_DeleteMutation($input: DeleteCollectionGroupInput!) {
    deleteCollectionGroup(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Collection groups (when devices are collected) with a schedule editor previewing the next five runs. */
export function CollectionGroupsAdmin() {
  const announce = useAnnounce();
  const { isAdmin } = usePermissions();
  const [{ data, error }, reexecute] = useQuery({ query: CollectionGroupsAdmin_GroupsQuery });
  const [{ fetching }, create] = useMutation(CollectionGroupsAdmin_CreateMutation);
  const [, remove] = useMutation(CollectionGroupsAdmin_DeleteMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const editingGroup = data?.collectionGroups.edges.find(({ node }) => node.id === editing)?.node;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    setProblem(null);
    const result = await create({
      input: {
        name: text('name'),
        schedule: text('schedule') || null,
        timeZone: text('timeZone'),
        backupWindow: text('backupWindow') || null,
      },
    });
    const payload = result.data?.createCollectionGroup;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateCollectionGroupSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    announce(`Collection group ${payload.collectionGroup.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="collection-groups-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Schedule</th>
              <th>Window</th>
              <th>Next run</th>
              <th className="num">Devices</th>
              {isAdmin ? (
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {data?.collectionGroups.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>{node.name}</td>
                <td className="mono">
                  {node.schedule ?? 'manual only'} <span className="muted">({node.timeZone})</span>
                </td>
                <td>{node.backupWindow ?? '—'}</td>
                <td>{node.nextRunAt ? formatZonedDateTime(node.nextRunAt, node.timeZone) : '—'}</td>
                <td className="num">{node.deviceCount}</td>
                {isAdmin ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Edit ${node.name}`}
                      onClick={() => setEditing(node.id)}
                    >
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Delete collection group ${node.name}`}
                      onClick={async () => {
                        const result = await remove({ input: { id: node.id } });
                        const payload = result.data?.deleteCollectionGroup;
                        const message = payload && 'message' in payload ? payload.message : null;
                        if (message) setProblem({ field: null, message });
                        announce(message ?? `Collection group ${node.name} deleted`);
                        reexecute({ requestPolicy: 'network-only' });
                      }}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {isAdmin && editingGroup ? (
        <CollectionGroupEditor
          key={editingGroup.id}
          group={editingGroup}
          onDone={(saved) => {
            setEditing(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      {isAdmin ? (
        <form className="form" onSubmit={(event) => void submit(event)} data-testid="collection-group-form">
          <h2>New collection group</h2>
          <FormField label="Name" error={fieldError('name')}>
            <input name="name" required autoComplete="off" />
          </FormField>
          <ScheduleFields defaultSchedule="0 2 * * *" defaultTimeZone={browserZone()} fieldError={fieldError} />
          <FormField label="Backup window (optional)" error={fieldError('backupWindow')} hint='e.g. "22:00-06:00"'>
            <input name="backupWindow" autoComplete="off" />
          </FormField>
          {problem && !problem.field ? (
            <p className="inline-error" role="alert">
              {problem.message}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="button" disabled={fetching}>
              Create collection group
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
