'use client';

import { gql, useQuery } from 'urql';
import { formatBytes, formatDateTime } from '../lib/format';
import { useServerUrl } from './urql-provider';

export type BackupSummary = {
  id: string;
  isBinary: boolean;
  sha256: string;
  size: number;
  changed: boolean;
  createdAt: string;
  downloadUrl: string | null;
};

// Only ever run for text backups: binary content is never fetched into the page.
const BackupViewer_BackupContentQuery = gql<{ backup: { id: string; content: string | null } | null }, { id: string }>`
  query BackupViewer_BackupContentQuery($id: ID!) {
    backup(id: $id) { id content }
  }
`;

/** The backup's signed download link (served by the GraphQL server's origin), if the server issued one. */
export function DownloadLink({ backup }: { backup: BackupSummary }) {
  const downloadUrl = useServerUrl(backup.downloadUrl);
  if (!downloadUrl) return <span className="muted small">Download not available</span>;
  return (
    <a
      className="button button-quiet"
      href={downloadUrl}
      download
      data-testid={`download-${backup.id}`}
      onClick={(event) => event.stopPropagation()}
    >
      Download
    </a>
  );
}

export function BackupViewer({ backup, onClose }: { backup: BackupSummary; onClose: () => void }) {
  return (
    <section className="viewer" data-testid="backup-viewer" aria-label="Backup">
      <header className="viewer-header">
        <div>
          <strong>{backup.isBinary ? 'Binary' : 'Text'} backup</strong>{' '}
          <span className="muted">
            {formatDateTime(backup.createdAt)} · {formatBytes(backup.size)} ·{' '}
            <span className="mono" title={backup.sha256}>
              {backup.sha256.slice(0, 12)}
            </span>
          </span>
        </div>
        <div className="viewer-actions">
          <DownloadLink backup={backup} />
          <button type="button" className="button button-quiet" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {backup.isBinary ? (
        <p className="binary-notice" data-testid="binary-notice">
          Binary file — download only
        </p>
      ) : (
        <TextContent backupId={backup.id} />
      )}
    </section>
  );
}

function TextContent({ backupId }: { backupId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: BackupViewer_BackupContentQuery, variables: { id: backupId } });
  if (error && !data) return <p className="notice notice-error">Could not load the backup: {error.message}</p>;
  if (fetching && !data) return <p className="notice">Loading content…</p>;
  const content = data?.backup?.content;
  if (content == null) return <p className="notice">This backup has no text content.</p>;
  return (
    <pre className="config" data-testid="backup-content">
      {content}
    </pre>
  );
}
