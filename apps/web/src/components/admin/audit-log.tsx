'use client';

import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';

const AuditLog_EntriesQuery = graphql(`
  query AuditLog_EntriesQuery($filter: AuditLogFilter, $after: String) {
    auditLog(first: 50, after: $after, filter: $filter) {
      edges { node { id createdAt action actorLabel outcome targetType targetId sourceAddress details } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

type Filter = { action: string | null; outcome: string | null; targetId: string | null; from: string | null };

/** Every mutation and sensitive read, newest first, filtered by action, outcome, target and date. */
export function AuditLog() {
  const [filter, setFilter] = useState<Filter>({ action: null, outcome: null, targetId: null, from: null });
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }] = useQuery({ query: AuditLog_EntriesQuery, variables: { filter, after } });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || null;
    const from = text('from');
    setAfter(null);
    setFilter({
      action: text('action'),
      outcome: text('outcome'),
      targetId: text('targetId'),
      from: from ? new Date(from).toISOString() : null,
    });
  }

  return (
    <>
      <form className="filters" onSubmit={submit} aria-label="Filter the audit log">
        <label>
          Action <input name="action" placeholder="createDevice" />
        </label>
        <label>
          Outcome{' '}
          <select name="outcome" defaultValue="">
            <option value="">Any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
          </select>
        </label>
        <label>
          Target id <input name="targetId" />
        </label>
        <label>
          Since <input name="from" type="date" />
        </label>
        <button type="submit" className="button button-quiet">
          Filter
        </button>
      </form>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="audit-table" aria-busy={fetching}>
          <thead>
            <tr>
              <th>Time</th>
              <th>Who</th>
              <th>Action</th>
              <th>Outcome</th>
              <th>Target</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {data?.auditLog.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>{formatDateTime(node.createdAt)}</td>
                <td>{node.actorLabel}</td>
                <td className="mono">{node.action}</td>
                <td>{node.outcome}</td>
                <td className="mono small">{node.targetType ? `${node.targetType} ${node.targetId ?? ''}` : '—'}</td>
                <td className="mono small">{node.sourceAddress ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Audit log pages">
        <button type="button" className="button button-quiet" disabled={!after} onClick={() => setAfter(null)}>
          Newest
        </button>
        <button
          type="button"
          className="button button-quiet"
          disabled={!data?.auditLog.pageInfo.hasNextPage}
          onClick={() => setAfter(data?.auditLog.pageInfo.endCursor ?? null)}
        >
          Older →
        </button>
      </nav>
    </>
  );
}
