'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { graphql, type ResultOf } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { InventorySourceEditor } from './inventory-source-editor';

const InventorySourcesAdmin_RunFragment = graphql(`
  fragment InventorySourcesAdmin_RunFragment on InventorySyncRun {
    id status dryRun startedAt created updated archived skipped error report
  }
`);

const InventorySourcesAdmin_SourcesQuery = graphql(
  `
  query InventorySourcesAdmin_SourcesQuery {
    inventorySources {
      id name kind url enabled intervalSeconds lastRunAt lastStatus lastError hasSecret settings
      runs(first: 1) { ...InventorySourcesAdmin_RunFragment }
    }
  }
`,
  [InventorySourcesAdmin_RunFragment],
);

const InventorySourcesAdmin_CreateMutation = graphql(`
  mutation InventorySourcesAdmin_CreateMutation($input: CreateInventorySourceInput!) {
    createInventorySource(input: $input) {
      __typename
      ... on CreateInventorySourceSuccess { inventorySource { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const InventorySourcesAdmin_SyncMutation = graphql(
  `
  mutation InventorySourcesAdmin_SyncMutation($input: SyncInventorySourceInput!) {
    syncInventorySource(input: $input) {
      __typename
      ... on SyncInventorySourceSuccess { run { ...InventorySourcesAdmin_RunFragment } }
      ... on InventorySyncFailedError { message run { ...InventorySourcesAdmin_RunFragment } }
      ... on Error { message }
    }
  }
`,
  [InventorySourcesAdmin_RunFragment],
);

type Run = ResultOf<typeof InventorySourcesAdmin_RunFragment>;
const KINDS = ['NETBOX', 'HTTP', 'CSV'] as const;

function RunSummary({ run }: { run: Run }) {
  return (
    <span className="small">
      {run.dryRun ? 'dry run: ' : ''}
      <span className={run.status === 'succeeded' ? 'inline-ok' : 'inline-error'}>{run.status}</span> · {run.created}{' '}
      created, {run.updated} updated, {run.archived} archived, {run.skipped} skipped
      {run.error ? ` · ${run.error}` : ''} <span className="muted">({formatDateTime(run.startedAt)})</span>
    </span>
  );
}

/** NetBox, HTTP JSON and CSV inventory sources: the last sync report, a dry run and a sync on demand. */
export function InventorySourcesAdmin() {
  const announce = useAnnounce();
  const [{ data, error }, reexecute] = useQuery({ query: InventorySourcesAdmin_SourcesQuery });
  const [{ fetching }, create] = useMutation(InventorySourcesAdmin_CreateMutation);
  const [{ fetching: syncing }, sync] = useMutation(InventorySourcesAdmin_SyncMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [report, setReport] = useState<{ name: string; run: Run } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const editedSource = data?.inventorySources.find((source) => source.id === editing);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    setProblem(null);
    const interval = text('intervalSeconds');
    const result = await create({
      input: {
        name: text('name'),
        kind: KINDS.find((kind) => kind === text('kind')) ?? 'NETBOX',
        url: text('url'),
        token: text('token') || null,
        intervalSeconds: interval ? Number(interval) : null,
      },
    });
    const payload = result.data?.createInventorySource;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateInventorySourceSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    announce(`Inventory source ${payload.inventorySource.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  async function runSync(source: { id: string; name: string }, dryRun: boolean) {
    const result = await sync({ input: { id: source.id, dryRun } });
    const payload = result.data?.syncInventorySource;
    if (payload && 'run' in payload) {
      setReport({ name: source.name, run: payload.run });
      announce(`Sync of ${source.name} ${payload.run.status}`);
    } else {
      setProblem({
        field: null,
        message: payload && 'message' in payload ? payload.message : errorMessage(result.error),
      });
    }
    reexecute({ requestPolicy: 'network-only' });
  }

  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="inventory-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>URL</th>
              <th>Last sync</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.inventorySources.map((source) => (
              <tr key={source.id}>
                <td>
                  {source.name}
                  {source.enabled ? null : <span className="muted"> (disabled)</span>}
                </td>
                <td>{source.kind.toLowerCase()}</td>
                <td className="mono small">{source.url}</td>
                <td>{source.runs[0] ? <RunSummary run={source.runs[0]} /> : <span className="muted">never</span>}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Edit ${source.name}`}
                    onClick={() => setEditing(source.id)}
                  >
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-quiet"
                    disabled={syncing}
                    aria-label={`Dry run of ${source.name}`}
                    onClick={() => void runSync(source, true)}
                  >
                    Dry run
                  </button>{' '}
                  <button
                    type="button"
                    className="button"
                    disabled={syncing}
                    aria-label={`Sync ${source.name}`}
                    onClick={() => void runSync(source, false)}
                  >
                    Sync
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editedSource ? (
        <InventorySourceEditor
          key={editedSource.id}
          source={editedSource}
          onDone={(saved) => {
            setEditing(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      {report ? (
        <section className="panel" aria-live="polite" data-testid="sync-report">
          <h2>
            {report.name}: <RunSummary run={report.run} />
          </h2>
          {/* A failed sync has no report beyond its reason, already in the heading. */}
          {Object.keys(report.run.report).length > 0 ? (
            <pre className="config">{JSON.stringify(report.run.report, null, 2)}</pre>
          ) : null}
        </section>
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)}>
        <h2>New inventory source</h2>
        <FormField label="Name" error={problem?.field === 'name' ? problem.message : null}>
          <input name="name" required autoComplete="off" />
        </FormField>
        <FormField label="Kind" error={problem?.field === 'kind' ? problem.message : null}>
          <select name="kind" defaultValue="NETBOX">
            <option value="NETBOX">NetBox</option>
            <option value="HTTP">HTTP JSON</option>
            <option value="CSV">CSV file or URL</option>
          </select>
        </FormField>
        <FormField label="URL or path" error={problem?.field === 'url' ? problem.message : null}>
          <input name="url" required autoComplete="off" />
        </FormField>
        <FormField label="Token (NetBox; write-only)" error={problem?.field === 'token' ? problem.message : null}>
          <input name="token" type="password" autoComplete="new-password" />
        </FormField>
        <FormField
          label="Sync every N seconds (≥ 60; empty: on demand)"
          error={problem?.field === 'intervalSeconds' ? problem.message : null}
        >
          <input name="intervalSeconds" inputMode="numeric" />
        </FormField>
        {problem && !['name', 'kind', 'url', 'token', 'intervalSeconds'].includes(problem.field ?? '') ? (
          <p className="inline-error" role="alert">
            {problem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={fetching}>
            Create inventory source
          </button>
        </div>
      </form>
    </>
  );
}
