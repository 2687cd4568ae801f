'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from 'urql';
import { type DiffLine, markChange, pairChanges, sideBySide } from '../lib/diff-rows';
import { errorMessage } from '../lib/error-message';
import { formatDateTime } from '../lib/format';
import { graphql, type ResultOf } from '../lib/graphql';

const VersionDiff_DiffQuery = graphql(`
  query VersionDiff_DiffQuery($fromBackupId: ID!, $toBackupId: ID!, $significantOnly: Boolean!, $contextLines: Int!) {
    diff(
      fromBackupId: $fromBackupId
      toBackupId: $toBackupId
      significantOnly: $significantOnly
      contextLines: $contextLines
    ) {
      __typename
      ... on Diff {
        identical
        added
        removed
        significantOnly
        unified
        from { id createdAt sha256 significantSha256 device { id name } }
        to { id createdAt sha256 significantSha256 device { id name } }
        hunks {
          header
          lines { kind oldNumber newNumber text }
        }
      }
      ... on Error {
        message
      }
      ... on ValidationError {
        field
      }
    }
  }
`);

const CONTEXT_CHOICES = [3, 10, 50] as const;
type DiffData = Extract<ResultOf<typeof VersionDiff_DiffQuery>['diff'], { __typename: 'Diff' }>;
type DiffVersion = DiffData['from'];

const MARKERS: Record<DiffLine['kind'], string> = { ADDED: '+', REMOVED: '-', CONTEXT: ' ' };

/** The server-computed line diff of two text versions (older first), as a unified view with line numbers. */
export function VersionDiff({
  fromBackupId,
  toBackupId,
  onClose,
}: {
  fromBackupId: string;
  toBackupId: string;
  onClose?: () => void;
}) {
  const [significantOnly, setSignificantOnly] = useState(false);
  const [contextLines, setContextLines] = useState<number>(3);
  const [layout, setLayout] = useState<'unified' | 'split'>('unified');
  const [{ data, fetching, error }] = useQuery({
    query: VersionDiff_DiffQuery,
    variables: { fromBackupId, toBackupId, significantOnly, contextLines },
  });
  const diff = data?.diff;
  const result = diff?.__typename === 'Diff' ? diff : null;
  // The toggle only means something when the plugin records a significant-changes view for both versions.
  const canUseSignificant = result ? Boolean(result.from.significantSha256 && result.to.significantSha256) : false;

  return (
    <section
      className="viewer"
      data-testid="version-diff"
      data-from={fromBackupId}
      data-to={toBackupId}
      aria-label="Compare versions"
    >
      <header className="viewer-header">
        <div>
          <strong>Compare</strong>{' '}
          {result ? (
            <span className="muted">
              <VersionLabel version={result.from} other={result.to} /> →{' '}
              <VersionLabel version={result.to} other={result.from} />
            </span>
          ) : null}
        </div>
        <div className="viewer-actions">
          <label
            className="toggle"
            title={
              canUseSignificant
                ? 'Leave out lines the device plugin marks as volatile (counters, timestamps, …)'
                : 'This device plugin records no significant-changes view'
            }
          >
            <input
              type="checkbox"
              data-testid="significant-only"
              checked={significantOnly}
              disabled={!canUseSignificant && !significantOnly}
              onChange={(event) => setSignificantOnly(event.target.checked)}
            />
            Significant changes only
          </label>
          <label className="toggle">
            Context
            <select value={contextLines} onChange={(event) => setContextLines(Number(event.target.value))}>
              {CONTEXT_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {choice} lines
                </option>
              ))}
            </select>
          </label>
          <label className="toggle">
            <input
              type="checkbox"
              data-testid="side-by-side"
              checked={layout === 'split'}
              onChange={(event) => setLayout(event.target.checked ? 'split' : 'unified')}
            />
            Side by side
          </label>
          {onClose ? (
            <button type="button" className="button button-quiet" onClick={onClose}>
              Close
            </button>
          ) : null}
        </div>
      </header>
      {error && !data ? <p className="notice notice-error">Could not compare: {errorMessage(error)}</p> : null}
      {fetching && !data ? <p className="notice">Comparing…</p> : null}
      {diff && diff.__typename !== 'Diff' ? (
        <p className="notice notice-error" data-testid="diff-error">
          {diff.message}
        </p>
      ) : null}
      {result ? <DiffBody diff={result} layout={layout} /> : null}
    </section>
  );
}

function VersionLabel({ version, other }: { version: DiffVersion; other: DiffVersion }) {
  const href = `/devices/${encodeURIComponent(version.device.id)}?version=${encodeURIComponent(version.id)}`;
  return (
    <Link href={href} title={version.sha256}>
      {version.device.id === other.device.id ? null : `${version.device.name} · `}
      {formatDateTime(version.createdAt)}
    </Link>
  );
}

function DiffBody({ diff, layout }: { diff: DiffData; layout: 'unified' | 'split' }) {
  if (diff.identical || diff.hunks.length === 0) {
    return (
      <p className="notice diff-identical" data-testid="diff-identical">
        No differences{diff.significantOnly ? ' in the significant lines' : ''}: the two versions are identical.
      </p>
    );
  }
  return (
    <>
      <p className="diff-stats" data-testid="diff-stats">
        <span className="diff-added-count">+{diff.added}</span>{' '}
        <span className="diff-removed-count">−{diff.removed}</span>{' '}
        <span className="muted">
          in {diff.hunks.length} hunk{diff.hunks.length === 1 ? '' : 's'}
        </span>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => saveText(diff.unified, `${diff.from.id.slice(0, 8)}-${diff.to.id.slice(0, 8)}.diff`)}
        >
          Download .diff
        </button>
      </p>
      <div className="diff-wrap">{layout === 'split' ? <SplitDiff diff={diff} /> : <UnifiedDiff diff={diff} />}</div>
    </>
  );
}

function UnifiedDiff({ diff }: { diff: DiffData }) {
  return (
    <table className="diff" data-testid="diff-table">
      {diff.hunks.map((hunk, hunkIndex) => {
        const pairs = pairChanges(hunk.lines);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: hunks are positional and never reorder
          <tbody key={hunkIndex}>
            <tr className="diff-hunk-header">
              <td className="diff-cell" colSpan={4}>
                {hunk.header}
              </td>
            </tr>
            {hunk.lines.map((line, lineIndex) => (
              <tr
                // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional and never reorder
                key={lineIndex}
                className={`diff-line diff-${line.kind.toLowerCase()}`}
                data-kind={line.kind}
              >
                <td className="diff-cell diff-number">{line.oldNumber ?? ''}</td>
                <td className="diff-cell diff-number">{line.newNumber ?? ''}</td>
                <td className="diff-cell diff-marker">{MARKERS[line.kind]}</td>
                <td className="diff-cell diff-text">
                  <LineText line={line} other={pairs.get(line) ?? null} />
                </td>
              </tr>
            ))}
          </tbody>
        );
      })}
    </table>
  );
}

function SplitDiff({ diff }: { diff: DiffData }) {
  return (
    <table className="diff diff-split" data-testid="diff-table" data-layout="split">
      {diff.hunks.map((hunk, hunkIndex) => {
        const pairs = pairChanges(hunk.lines);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: hunks are positional and never reorder
          <tbody key={hunkIndex}>
            <tr className="diff-hunk-header">
              <td className="diff-cell" colSpan={4}>
                {hunk.header}
              </td>
            </tr>
            {sideBySide(hunk.lines).map((row, rowIndex) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional and never reorder
              <tr key={rowIndex} className="diff-split-row">
                <td className="diff-cell diff-number">{row.left?.oldNumber ?? ''}</td>
                <td
                  className={`diff-cell diff-text ${row.left?.kind === 'REMOVED' ? 'diff-removed-cell' : ''}`}
                  data-kind={row.left?.kind}
                >
                  {row.left ? <LineText line={row.left} other={pairs.get(row.left) ?? null} /> : null}
                </td>
                <td className="diff-cell diff-number">{row.right?.newNumber ?? ''}</td>
                <td
                  className={`diff-cell diff-text ${row.right?.kind === 'ADDED' ? 'diff-added-cell' : ''}`}
                  data-kind={row.right?.kind}
                >
                  {row.right ? <LineText line={row.right} other={pairs.get(row.right) ?? null} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        );
      })}
    </table>
  );
}

/** A changed line with the part that differs from its counterpart marked. */
function LineText({ line, other }: { line: DiffLine; other: DiffLine | null }) {
  if (!other || line.kind === 'CONTEXT') return <>{line.text}</>;
  const marked =
    line.kind === 'REMOVED' ? markChange(line.text, other.text).before : markChange(other.text, line.text).after;
  return (
    <>
      {marked.start}
      {marked.middle ? <mark className="diff-intra">{marked.middle}</mark> : null}
      {marked.end}
    </>
  );
}

function saveText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/x-diff;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
