'use client';

import { useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from '../lib/error-message';
import { formatBytes, formatDateTime, formatRelativeTime } from '../lib/format';
import { graphql } from '../lib/graphql';
import { useNow } from '../lib/use-now';
import {
  type BackupSummary,
  BackupViewer,
  BackupViewer_BackupFragment,
  DownloadLink,
  OriginalDownloadLink,
} from './backup-viewer';
import { VersionDiff } from './version-diff';

const PAGE_SIZE = 20;
const COLUMNS = 7;

type VersionRow = BackupSummary & { cursor: string };

/** What the panel under the table shows. */
type Panel =
  | { kind: 'view'; backupId: string; line: number | null }
  | { kind: 'diff'; fromId: string; toId: string }
  | { kind: 'previous'; backupId: string; cursor: string };

const BackupListPage_BackupsQuery = graphql(
  `
  query BackupListPage_BackupsQuery($id: ID!, $first: Int!, $after: String, $changedOnly: Boolean!) {
    device(id: $id) {
      id
      backups(first: $first, after: $after, changedOnly: $changedOnly) {
        edges { cursor node { ...BackupViewer_BackupFragment } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`,
  [BackupViewer_BackupFragment],
);

// The version just before one row: the next edge after its cursor, across page boundaries.
const PreviousVersionDiff_PreviousQuery = graphql(`
  query PreviousVersionDiff_PreviousQuery($id: ID!, $after: String!, $changedOnly: Boolean!) {
    device(id: $id) {
      id
      backups(first: 1, after: $after, changedOnly: $changedOnly) {
        edges { node { id isBinary } }
      }
    }
  }
`);

/**
 * A device's versions, newest first: View, Download and Compare per text version (binary ones download
 * only); the chosen version or comparison shows under the table. Each "Load more" adds one page component.
 */
export function BackupList({
  deviceId,
  refreshToken,
  initialVersionId = null,
  initialLine = null,
}: {
  deviceId: string;
  refreshToken: number;
  /** Open this version on arrival (links from search results and comparisons). */
  initialVersionId?: string | null;
  initialLine?: number | null;
}) {
  // Unchanged versions are mostly noise; the toggle shows them.
  const [changedOnly, setChangedOnly] = useState(true);
  const panelRef = useRef<HTMLDivElement>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [panel, setPanel] = useState<Panel | null>(
    initialVersionId ? { kind: 'view', backupId: initialVersionId, line: initialLine } : null,
  );
  const [picked, setPicked] = useState<VersionRow[]>([]);

  // A new backup lands at the top and shifts every page; start again from the first page.
  useEffect(() => {
    if (refreshToken > 0) setCursors([null]);
  }, [refreshToken]);

  function togglePicked(row: VersionRow) {
    setPicked((current) => {
      if (current.some((candidate) => candidate.id === row.id)) return current.filter((c) => c.id !== row.id);
      // Two at most: picking a third replaces the earlier pick.
      return [...current, row].slice(-2);
    });
  }

  function comparePicked() {
    if (picked.length !== 2) return;
    const [older, newer] = [...picked].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    if (older && newer) setPanel({ kind: 'diff', fromId: older.id, toId: newer.id });
  }

  // View and Compare open below the table: bring them to where the user is looking.
  const panelKey = panel ? JSON.stringify(panel) : null;
  useEffect(() => {
    if (panelKey) panelRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [panelKey]);

  const highlightedIds = new Set<string>();
  if (panel?.kind === 'view' || panel?.kind === 'previous') highlightedIds.add(panel.backupId);
  if (panel?.kind === 'diff') {
    highlightedIds.add(panel.fromId);
    highlightedIds.add(panel.toId);
  }

  return (
    <div className="backups">
      <div className="toolbar" data-testid="versions-toolbar">
        <label className="toggle">
          <input
            type="checkbox"
            data-testid="changed-only"
            checked={changedOnly}
            onChange={(event) => {
              setChangedOnly(event.target.checked);
              setCursors([null]);
            }}
          />
          Only changed versions
        </label>
        <span className="compare-bar">
          <span className="muted small" data-testid="compare-picked">
            {picked.length === 0
              ? 'Tick two text versions to compare them'
              : `${picked.length} of 2 versions picked for comparison`}
          </span>
          <button
            type="button"
            className="button"
            data-testid="compare-picked-button"
            disabled={picked.length !== 2}
            onClick={comparePicked}
          >
            Compare selected
          </button>
          {picked.length > 0 ? (
            <button type="button" className="button button-quiet" onClick={() => setPicked([])}>
              Clear
            </button>
          ) : null}
        </span>
      </div>
      <div className="table-wrap">
        <table className="data-table" data-testid="backups-table">
          <thead>
            <tr>
              <th>
                <span className="visually-hidden">Compare</span>
              </th>
              <th>Time</th>
              <th>Type</th>
              <th>Size</th>
              <th>SHA-256</th>
              <th>Content</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          {cursors.map((after, index) => (
            <BackupListPage
              key={`${changedOnly}-${after ?? 'first'}`}
              deviceId={deviceId}
              after={after}
              changedOnly={changedOnly}
              isLast={index === cursors.length - 1}
              refreshToken={index === 0 ? refreshToken : 0}
              highlightedIds={highlightedIds}
              pickedIds={new Set(picked.map((row) => row.id))}
              onView={(row) => setPanel({ kind: 'view', backupId: row.id, line: null })}
              onComparePrevious={(row) => setPanel({ kind: 'previous', backupId: row.id, cursor: row.cursor })}
              onTogglePicked={togglePicked}
              onLoadMore={(cursor) => setCursors((current) => [...current, cursor])}
            />
          ))}
        </table>
      </div>
      <div ref={panelRef} className="panel-anchor">
        {panel?.kind === 'view' ? (
          <BackupViewer
            key={panel.backupId}
            backupId={panel.backupId}
            highlightLine={panel.line}
            onClose={() => setPanel(null)}
          />
        ) : null}
        {panel?.kind === 'diff' ? (
          <VersionDiff
            key={`${panel.fromId}-${panel.toId}`}
            fromBackupId={panel.fromId}
            toBackupId={panel.toId}
            onClose={() => setPanel(null)}
          />
        ) : null}
        {panel?.kind === 'previous' ? (
          <PreviousVersionDiff
            key={panel.backupId}
            deviceId={deviceId}
            backupId={panel.backupId}
            cursor={panel.cursor}
            changedOnly={changedOnly}
            onClose={() => setPanel(null)}
          />
        ) : null}
      </div>
    </div>
  );
}

function BackupListPage({
  deviceId,
  after,
  changedOnly,
  isLast,
  refreshToken,
  highlightedIds,
  pickedIds,
  onView,
  onComparePrevious,
  onTogglePicked,
  onLoadMore,
}: {
  deviceId: string;
  after: string | null;
  changedOnly: boolean;
  isLast: boolean;
  refreshToken: number;
  highlightedIds: Set<string>;
  pickedIds: Set<string>;
  onView: (row: VersionRow) => void;
  onComparePrevious: (row: VersionRow) => void;
  onTogglePicked: (row: VersionRow) => void;
  onLoadMore: (cursor: string) => void;
}) {
  const now = useNow();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: BackupListPage_BackupsQuery,
    variables: { id: deviceId, first: PAGE_SIZE, after, changedOnly },
  });

  useEffect(() => {
    if (refreshToken > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refreshToken, reexecute]);

  if (error && !data) {
    return (
      <tbody>
        <tr>
          <td colSpan={COLUMNS} className="notice-error">
            Could not load versions: {errorMessage(error)}
          </td>
        </tr>
      </tbody>
    );
  }
  if (!data?.device) {
    return (
      <tbody>
        <tr>
          <td colSpan={COLUMNS} className="muted">
            {fetching ? 'Loading versions…' : 'No versions.'}
          </td>
        </tr>
      </tbody>
    );
  }

  const { edges, pageInfo } = data.device.backups;
  return (
    <tbody>
      {edges.length === 0 && after === null ? (
        <tr>
          <td colSpan={COLUMNS} className="muted">
            {changedOnly ? 'No changed versions.' : 'No versions yet.'}
          </td>
        </tr>
      ) : null}
      {edges.map(({ cursor, node }, index) => {
        const row: VersionRow = { ...node, cursor };
        // The oldest version has nothing before it: it is the device's first backup, not a change.
        const isFirst = !pageInfo.hasNextPage && index === edges.length - 1;
        return (
          <tr
            key={row.id}
            data-testid={`backup-row-${row.id}`}
            data-type={row.isBinary ? 'binary' : 'text'}
            data-changed={row.changed ? 'changed' : 'unchanged'}
            className={highlightedIds.has(row.id) ? 'selected clickable' : 'clickable'}
            onClick={() => onView(row)}
          >
            <td className="pick">
              {row.isBinary ? null : (
                <input
                  type="checkbox"
                  aria-label={`Pick the version of ${formatDateTime(row.createdAt)} for comparison`}
                  data-testid={`pick-${row.id}`}
                  checked={pickedIds.has(row.id)}
                  onClick={(event) => event.stopPropagation()}
                  onChange={() => onTogglePicked(row)}
                />
              )}
            </td>
            <td title={formatDateTime(row.createdAt)}>
              {formatDateTime(row.createdAt)}{' '}
              <span className="muted small">{formatRelativeTime(row.createdAt, now)}</span>
            </td>
            <td>{row.isBinary ? 'Binary' : 'Text'}</td>
            <td className="num">{formatBytes(row.size)}</td>
            <td className="mono" title={row.sha256}>
              {row.sha256.slice(0, 12)}
            </td>
            <td>
              {isFirst ? (
                <span className="badge badge-first" data-testid="first-version">
                  first
                </span>
              ) : row.changed ? (
                <span className="badge badge-changed">changed</span>
              ) : (
                <span className="badge badge-unchanged">unchanged</span>
              )}
              {row.changedBy ? (
                <span className="muted" data-testid="changed-by">
                  {' '}
                  by {row.changedBy}
                </span>
              ) : null}
            </td>
            <td className="actions">
              {row.isBinary ? (
                <span className="muted small">Binary file — download only</span>
              ) : (
                <>
                  <button
                    type="button"
                    className="button button-quiet"
                    data-testid={`view-backup-${row.id}`}
                    aria-label={`View the version of ${formatDateTime(row.createdAt)}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      onView(row);
                    }}
                  >
                    View
                  </button>
                  {/* The oldest version listed has nothing before it to compare with. */}
                  {isFirst ? null : (
                    <>
                      {' '}
                      <button
                        type="button"
                        className="button button-quiet"
                        data-testid={`compare-previous-${row.id}`}
                        aria-label={`Compare with previous: the version of ${formatDateTime(row.createdAt)}`}
                        onClick={(event) => {
                          event.stopPropagation();
                          onComparePrevious(row);
                        }}
                      >
                        Compare with previous
                      </button>
                    </>
                  )}
                </>
              )}{' '}
              <DownloadLink backup={row} /> <OriginalDownloadLink backup={row} />
            </td>
          </tr>
        );
      })}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? (
        <tr>
          <td colSpan={COLUMNS} className="load-more">
            <button
              type="button"
              className="button button-quiet"
              onClick={() => pageInfo.endCursor && onLoadMore(pageInfo.endCursor)}
            >
              Load more
            </button>
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

/** "Compare with previous": finds the version before this one (in the current filter), then diffs. */
function PreviousVersionDiff({
  deviceId,
  backupId,
  cursor,
  changedOnly,
  onClose,
}: {
  deviceId: string;
  backupId: string;
  cursor: string;
  changedOnly: boolean;
  onClose: () => void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: PreviousVersionDiff_PreviousQuery,
    variables: { id: deviceId, after: cursor, changedOnly },
  });
  const previous = data?.device?.backups.edges[0]?.node;

  let message: string | null = null;
  if (error && !data) message = `Could not find the previous version: ${errorMessage(error)}`;
  else if (fetching && !data) message = 'Finding the previous version…';
  else if (!previous) message = 'This is the oldest version; there is nothing before it to compare with.';
  else if (previous.isBinary) message = 'The previous version is binary; only text versions can be compared.';

  if (message || !previous) {
    return (
      <section className="viewer" data-testid="version-diff" aria-label="Compare versions">
        <header className="viewer-header">
          <strong>Compare with previous</strong>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Close
          </button>
        </header>
        <p className="notice" data-testid="diff-no-previous">
          {message}
        </p>
      </section>
    );
  }
  return <VersionDiff fromBackupId={previous.id} toBackupId={backupId} onClose={onClose} />;
}
