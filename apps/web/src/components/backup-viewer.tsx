'use client';

import { useEffect, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { errorMessage } from '../lib/error-message';
import { formatBytes, formatDateTime } from '../lib/format';
import { graphql, type ResultOf } from '../lib/graphql';
import { useServerUrl } from './urql-provider';

/** What a version row and the viewer header show; the version list spreads it too. */
export const BackupViewer_BackupFragment = graphql(`
  fragment BackupViewer_BackupFragment on Backup {
    id isBinary sha256 size changed changedBy createdAt downloadUrl hasRestorableOriginal originalDownloadUrl
  }
`);

export type BackupSummary = ResultOf<typeof BackupViewer_BackupFragment>;

const BackupViewer_BackupQuery = graphql(
  `
  query BackupViewer_BackupQuery($id: ID!) {
    backup(id: $id) { ...BackupViewer_BackupFragment }
  }
`,
  [BackupViewer_BackupFragment],
);

// Only ever run for text versions: binary content is never fetched into the page.
const BackupViewer_TextContentQuery = graphql(`
  query BackupViewer_TextContentQuery($id: ID!) {
    backup(id: $id) {
      id
      textContent {
        __typename
        ... on BackupText { text }
        ... on Error { message }
      }
    }
  }
`);

// Signed URLs live for minutes; a page left open longer asks for a fresh one when the link is used.
const DownloadLink_DownloadUrlQuery = graphql(`
  query DownloadLink_DownloadUrlQuery($id: ID!) {
    backup(id: $id) { id downloadUrl }
  }
`);

const FRESH_FOR_MS = 60_000;

/** The version's signed download link (served by the GraphQL server's origin), if the server issued one. */
export function DownloadLink({ backup }: { backup: Pick<BackupSummary, 'id' | 'isBinary' | 'downloadUrl'> }) {
  const client = useClient();
  const downloadUrl = useServerUrl(backup.downloadUrl);
  // When this URL arrived: a new one (the list was re-read) restarts the clock.
  const [issued, setIssued] = useState(() => ({ url: downloadUrl, at: Date.now() }));
  if (issued.url !== downloadUrl) setIssued({ url: downloadUrl, at: Date.now() });
  const serverUrl = useServerUrl('/');

  if (!downloadUrl) return <span className="muted small">Download not available</span>;

  async function downloadFresh() {
    const result = await client
      .query(DownloadLink_DownloadUrlQuery, { id: backup.id }, { requestPolicy: 'network-only' })
      .toPromise();
    const fresh = result.data?.backup?.downloadUrl;
    window.location.assign(fresh && serverUrl ? new URL(fresh, serverUrl).toString() : (downloadUrl ?? ''));
  }

  return (
    <a
      className="button button-quiet"
      href={downloadUrl}
      download
      data-testid={`download-${backup.id}`}
      title={backup.isBinary ? 'Download the binary file' : 'Download the configuration as text'}
      onClick={(event) => {
        event.stopPropagation();
        if (Date.now() - issued.at < FRESH_FOR_MS) return;
        event.preventDefault();
        void downloadFresh();
      }}
    >
      Download
    </a>
  );
}

/** One version: its facts, Download, and for text versions the configuration with line numbers. */
export function BackupViewer({
  backupId,
  highlightLine = null,
  onClose,
}: {
  backupId: string;
  /** A 1-based line to scroll to and mark (from a search result). */
  highlightLine?: number | null;
  onClose: () => void;
}) {
  const [{ data, fetching, error }] = useQuery({ query: BackupViewer_BackupQuery, variables: { id: backupId } });
  const backup = data?.backup;

  return (
    <section className="viewer" data-testid="backup-viewer" aria-label="Backup">
      <header className="viewer-header">
        <div>
          {backup ? (
            <>
              <strong>{backup.isBinary ? 'Binary' : 'Text'} version</strong>{' '}
              <span className="muted">
                {formatDateTime(backup.createdAt)} · {formatBytes(backup.size)} ·{' '}
                <span className="mono" title={backup.sha256}>
                  {backup.sha256.slice(0, 12)}
                </span>{' '}
                · {backup.changed ? 'changed' : 'unchanged'}
              </span>
            </>
          ) : (
            <strong>Version</strong>
          )}
        </div>
        <div className="viewer-actions">
          {backup ? <DownloadLink backup={backup} /> : null}
          {backup ? <OriginalDownloadLink backup={backup} /> : null}
          <button type="button" className="button button-quiet" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {error && !data ? <p className="notice notice-error">Could not load the version: {errorMessage(error)}</p> : null}
      {!backup && !error ? <p className="notice">{fetching ? 'Loading…' : 'This version does not exist.'}</p> : null}
      {backup?.isBinary ? (
        <p className="binary-notice" data-testid="binary-notice">
          Binary file — download only
        </p>
      ) : null}
      {backup && !backup.isBinary ? <TextContent backupId={backup.id} highlightLine={highlightLine} /> : null}
    </section>
  );
}

function TextContent({ backupId, highlightLine }: { backupId: string; highlightLine: number | null }) {
  const [{ data, fetching, error }] = useQuery({ query: BackupViewer_TextContentQuery, variables: { id: backupId } });
  const highlighted = useRef<HTMLSpanElement>(null);
  const text = data?.backup?.textContent.__typename === 'BackupText' ? data.backup.textContent.text : null;

  useEffect(() => {
    if (text !== null) highlighted.current?.scrollIntoView({ block: 'center' });
  }, [text]);

  if (error && !data) return <p className="notice notice-error">Could not load the version: {errorMessage(error)}</p>;
  if (fetching && !data) return <p className="notice">Loading content…</p>;
  const content = data?.backup?.textContent;
  if (!content) return <p className="notice">This version has no text content.</p>;
  if (content.__typename !== 'BackupText') return <p className="notice">{content.message}</p>;

  const lines = content.text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return (
    <pre className="config numbered" data-testid="backup-content">
      {lines.map((line, index) => {
        const number = index + 1;
        const isHighlighted = number === highlightLine;
        return (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional and never reorder
            key={index}
            ref={isHighlighted ? highlighted : undefined}
            className={isHighlighted ? 'line line-highlight' : 'line'}
            data-line={number}
          >
            <span className="line-number" aria-hidden="true">
              {number}
            </span>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

/**
 * The restorable original (before secret scrubbing), offered only when the server issued a URL for it:
 * it does so for administrators alone, and every download is audited.
 */
export function OriginalDownloadLink({ backup }: { backup: Pick<BackupSummary, 'originalDownloadUrl'> }) {
  const url = useServerUrl(backup.originalDownloadUrl);
  if (!url) return null;
  return (
    <a className="button button-quiet" href={url} data-testid="download-original" download>
      Download restorable original
    </a>
  );
}
