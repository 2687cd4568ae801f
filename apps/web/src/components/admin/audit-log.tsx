'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId } from 'react';
import { useQuery } from 'urql';
import { AUDIT_OUTCOMES, type AuditLogParams, auditLogFilter, auditLogHref } from '../../lib/audit-log-params';
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

const AuditLog_UsersQuery = graphql(`
  query AuditLog_UsersQuery {
    users(first: 100) { edges { node { id username } } }
  }
`);

/** Every mutation and sensitive read, newest first, filtered by action, user, outcome, target and date in the URL. */
export function AuditLog({ params }: { params: AuditLogParams }) {
  const router = useRouter();
  const id = useId();
  const [{ data, error, fetching }] = useQuery({
    query: AuditLog_EntriesQuery,
    variables: { filter: auditLogFilter(params), after: params.after },
  });
  const [{ data: users }] = useQuery({ query: AuditLog_UsersQuery });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || null;
    const outcome = text('outcome');
    router.push(
      auditLogHref({
        action: text('action'),
        user: text('user'),
        outcome: AUDIT_OUTCOMES.find((candidate) => candidate === outcome) ?? null,
        target: text('target'),
        since: text('since'),
        after: null,
      }),
    );
  }

  return (
    <>
      {/* Keyed by the URL's filters: Back to another filter shows that filter's values in the fields. */}
      <form
        key={auditLogHref({ ...params, after: null })}
        className="filters"
        onSubmit={submit}
        aria-label="Filter the audit log"
      >
        <span className="filter">
          <label htmlFor={`${id}-action`}>Action</label>
          <input id={`${id}-action`} name="action" placeholder="createDevice" defaultValue={params.action ?? ''} />
        </span>
        <span className="filter">
          <label htmlFor={`${id}-user`}>User</label>
          <select id={`${id}-user`} name="user" defaultValue={params.user ?? ''}>
            <option value="">Anyone</option>
            {users?.users.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.username}
              </option>
            ))}
            {/* A user from the URL not among the first 100 stays selected. */}
            {params.user && users && !users.users.edges.some(({ node }) => node.id === params.user) ? (
              <option value={params.user}>{params.user}</option>
            ) : null}
          </select>
        </span>
        <span className="filter">
          <label htmlFor={`${id}-outcome`}>Outcome</label>
          <select id={`${id}-outcome`} name="outcome" defaultValue={params.outcome ?? ''}>
            <option value="">Any</option>
            {AUDIT_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome}
              </option>
            ))}
          </select>
        </span>
        <span className="filter">
          <label htmlFor={`${id}-target`}>Target id</label>
          <input id={`${id}-target`} name="target" defaultValue={params.target ?? ''} />
        </span>
        <span className="filter">
          <label htmlFor={`${id}-since`}>Since</label>
          <input id={`${id}-since`} name="since" type="date" defaultValue={params.since ?? ''} />
        </span>
        <button type="submit" className="button button-quiet">
          Filter
        </button>
      </form>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      {data && data.auditLog.edges.length === 0 ? <p className="notice">No entries match.</p> : null}
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
              <tr key={node.id} data-testid="audit-row" data-action={node.action} data-outcome={node.outcome}>
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
        <button
          type="button"
          className="button button-quiet"
          disabled={!params.after}
          onClick={() => router.push(auditLogHref({ ...params, after: null }))}
        >
          Newest
        </button>
        <button
          type="button"
          className="button button-quiet"
          disabled={!data?.auditLog.pageInfo.hasNextPage}
          onClick={() => {
            const cursor = data?.auditLog.pageInfo.endCursor;
            if (cursor) router.push(auditLogHref({ ...params, after: cursor }));
          }}
        >
          Older →
        </button>
      </nav>
    </>
  );
}
