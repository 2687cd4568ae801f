'use client';

import { useEffect, useState } from 'react';
import { gql, useQuery } from 'urql';
import { formatBytes, formatDateTime, formatRelativeTime } from '../lib/format';
import { useNow } from '../lib/use-now';
import { type BackupSummary, BackupViewer, DownloadLink } from './backup-viewer';

const PAGE_SIZE = 20;

const BackupListPage_BackupsQuery = gql<
  {
    device: {
      id: string;
      backups: {
        edges: { cursor: string; node: BackupSummary }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } | null;
  },
  { id: string; first: number; after: string | null }
>`
  query BackupListPage_BackupsQuery($id: ID!, $first: Int!, $after: String) {
    device(id: $id) {
      id
      backups(first: $first, after: $after) {
        edges { cursor node { id isBinary sha256 size changed createdAt downloadUrl } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

/** A device's backups, newest first; each "Load more" adds one page component with its own query. */
export function BackupList({ deviceId, refreshToken }: { deviceId: string; refreshToken: number }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<BackupSummary | null>(null);

  // A new backup lands at the top and shifts every page; start again from the first page.
  useEffect(() => {
    if (refreshToken > 0) setCursors([null]);
  }, [refreshToken]);

  return (
    <div className="backups">
      <div className="table-wrap">
        <table className="data-table" data-testid="backups-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Type</th>
              <th>Size</th>
              <th>SHA-256</th>
              <th>Changed</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          {cursors.map((after, index) => (
            <BackupListPage
              key={after ?? 'first'}
              deviceId={deviceId}
              after={after}
              isLast={index === cursors.length - 1}
              refreshToken={index === 0 ? refreshToken : 0}
              selectedId={selected?.id ?? null}
              onSelect={setSelected}
              onLoadMore={(cursor) => setCursors((current) => [...current, cursor])}
            />
          ))}
        </table>
      </div>
      {selected ? <BackupViewer backup={selected} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}

function BackupListPage({
  deviceId,
  after,
  isLast,
  refreshToken,
  selectedId,
  onSelect,
  onLoadMore,
}: {
  deviceId: string;
  after: string | null;
  isLast: boolean;
  refreshToken: number;
  selectedId: string | null;
  onSelect: (backup: BackupSummary) => void;
  onLoadMore: (cursor: string) => void;
}) {
  const now = useNow();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: BackupListPage_BackupsQuery,
    variables: { id: deviceId, first: PAGE_SIZE, after },
  });

  useEffect(() => {
    if (refreshToken > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refreshToken, reexecute]);

  if (error && !data) {
    return (
      <tbody>
        <tr>
          <td colSpan={6} className="notice-error">
            Could not load backups: {error.message}
          </td>
        </tr>
      </tbody>
    );
  }
  if (!data?.device) {
    return (
      <tbody>
        <tr>
          <td colSpan={6} className="muted">
            {fetching ? 'Loading backups…' : 'No backups.'}
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
          <td colSpan={6} className="muted">
            No backups yet.
          </td>
        </tr>
      ) : null}
      {edges.map(({ node: backup }) => (
        <tr
          key={backup.id}
          data-testid={`backup-row-${backup.id}`}
          data-type={backup.isBinary ? 'binary' : 'text'}
          className={backup.id === selectedId ? 'selected clickable' : 'clickable'}
          onClick={() => onSelect(backup)}
        >
          <td title={formatDateTime(backup.createdAt)}>
            {formatDateTime(backup.createdAt)}{' '}
            <span className="muted small">{formatRelativeTime(backup.createdAt, now)}</span>
          </td>
          <td>{backup.isBinary ? 'Binary' : 'Text'}</td>
          <td className="num">{formatBytes(backup.size)}</td>
          <td className="mono" title={backup.sha256}>
            {backup.sha256.slice(0, 12)}
          </td>
          <td>{backup.changed ? <span className="badge badge-changed">changed</span> : 'no'}</td>
          <td className="actions">
            {backup.isBinary ? (
              <span className="muted small">Binary file — download only</span>
            ) : (
              <button
                type="button"
                className="button button-quiet"
                data-testid={`view-backup-${backup.id}`}
                onClick={(event) => {
                  event.stopPropagation();
                  onSelect(backup);
                }}
              >
                View
              </button>
            )}{' '}
            <DownloadLink backup={backup} />
          </td>
        </tr>
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? (
        <tr>
          <td colSpan={6} className="load-more">
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
