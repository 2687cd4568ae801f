'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, Fragment, type ReactNode, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { errorMessage } from '../lib/error-message';
import { formatDateTime } from '../lib/format';
import { graphql, type ResultOf } from '../lib/graphql';

export type SearchOptions = {
  pattern: string;
  regex: boolean;
  caseSensitive: boolean;
  latestOnly: boolean;
  contextLines: number;
};

const PAGE_SIZE = 20;

const ConfigSearch_SearchQuery = graphql(`
  query ConfigSearch_SearchQuery(
    $pattern: String!
    $regex: Boolean!
    $caseSensitive: Boolean!
    $latestOnly: Boolean!
    $contextLines: Int!
    $first: Int!
    $after: String
  ) {
    searchConfigs(
      pattern: $pattern
      regex: $regex
      caseSensitive: $caseSensitive
      latestOnly: $latestOnly
      contextLines: $contextLines
      first: $first
      after: $after
    ) {
      __typename
      ... on SearchConfigsConnection {
        edges {
          cursor
          node {
            device { id name pluginKey }
            backup { id createdAt changed }
            matchCount
            lines { number text isMatch }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
      ... on ValidationError {
        message
        field
      }
    }
  }
`);

type ConfigMatch = Extract<
  ResultOf<typeof ConfigSearch_SearchQuery>['searchConfigs'],
  { __typename: 'SearchConfigsConnection' }
>['edges'][number]['node'];

type Results = {
  options: SearchOptions;
  matches: ConfigMatch[];
  endCursor: string | null;
  hasNextPage: boolean;
};

/** Searches stored text versions; results are grouped by device, matching text highlighted. */
export function ConfigSearch({ initial }: { initial: SearchOptions }) {
  const client = useClient();
  const router = useRouter();
  const [options, setOptions] = useState(initial);
  const [submitted, setSubmitted] = useState<SearchOptions | null>(initial.pattern ? initial : null);
  const [results, setResults] = useState<Results | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function load(search: SearchOptions, after: string | null) {
    setLoading(true);
    setError(null);
    const result = await client
      .query(ConfigSearch_SearchQuery, { ...search, first: PAGE_SIZE, after }, { requestPolicy: 'network-only' })
      .toPromise();
    setLoading(false);
    const payload = result.data?.searchConfigs;
    if (!payload) {
      setError(errorMessage(result.error));
      return;
    }
    if (payload.__typename === 'ValidationError') {
      setError(payload.message);
      if (after === null) setResults(null);
      return;
    }
    const page = payload.edges.map((edge) => edge.node);
    setResults((current) => ({
      options: search,
      matches: after !== null && current ? [...current.matches, ...page] : page,
      endCursor: payload.pageInfo.endCursor,
      hasNextPage: payload.pageInfo.hasNextPage,
    }));
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per submitted search
  useEffect(() => {
    if (submitted) void load(submitted, null);
  }, [submitted]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!options.pattern) return;
    setSubmitted({ ...options });
    router.replace(`/search?${toQueryString(options)}`, { scroll: false });
  }

  return (
    <>
      <form className="search-form" aria-label="Search configurations" onSubmit={submit}>
        <label className="search-pattern">
          <span className="visually-hidden">Pattern</span>
          <input
            name="pattern"
            type="search"
            placeholder={options.regex ? 'Regular expression, e.g. ^interface .*' : 'Text to find, e.g. hostname'}
            value={options.pattern}
            onChange={(event) => setOptions({ ...options, pattern: event.target.value })}
            required
            maxLength={1000}
          />
        </label>
        <button type="submit" className="button" disabled={loading}>
          {loading ? 'Searching…' : 'Search'}
        </button>
        <div className="search-options">
          <label className="toggle">
            <input
              type="checkbox"
              checked={options.regex}
              onChange={(event) => setOptions({ ...options, regex: event.target.checked })}
            />
            Regular expression
          </label>
          <label className="toggle">
            <input
              type="checkbox"
              checked={options.caseSensitive}
              onChange={(event) => setOptions({ ...options, caseSensitive: event.target.checked })}
            />
            Match case
          </label>
          <label className="toggle">
            <input
              type="checkbox"
              checked={options.latestOnly}
              onChange={(event) => setOptions({ ...options, latestOnly: event.target.checked })}
            />
            Latest version only
          </label>
          <label className="toggle">
            Context lines
            <input
              type="number"
              min={0}
              max={20}
              value={options.contextLines}
              onChange={(event) =>
                setOptions({ ...options, contextLines: Math.min(20, Math.max(0, Number(event.target.value) || 0)) })
              }
            />
          </label>
        </div>
      </form>
      {error ? (
        <p className="notice notice-error" role="alert" data-testid="search-error">
          {error}
        </p>
      ) : null}
      {results ? <SearchResults results={results} /> : null}
      {results?.hasNextPage && results.endCursor ? (
        <p className="load-more">
          <button
            type="button"
            className="button button-quiet"
            disabled={loading}
            onClick={() => results.endCursor && void load(results.options, results.endCursor)}
          >
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </p>
      ) : null}
    </>
  );
}

function toQueryString(options: SearchOptions): string {
  const params = new URLSearchParams({ q: options.pattern });
  if (options.regex) params.set('regex', '1');
  if (options.caseSensitive) params.set('case', '1');
  if (!options.latestOnly) params.set('all', '1');
  if (options.contextLines !== 2) params.set('context', String(options.contextLines));
  return params.toString();
}

function SearchResults({ results }: { results: Results }) {
  if (results.matches.length === 0) {
    return (
      <p className="notice" data-testid="search-empty">
        No {results.options.latestOnly ? 'latest versions' : 'versions'} match.
      </p>
    );
  }
  // The server orders by device name, newest version first, so a device's versions are adjacent.
  const groups: { device: ConfigMatch['device']; matches: ConfigMatch[] }[] = [];
  for (const match of results.matches) {
    const last = groups.at(-1);
    if (last && last.device.id === match.device.id) last.matches.push(match);
    else groups.push({ device: match.device, matches: [match] });
  }
  const highlighter = makeHighlighter(results.options);
  return (
    <div className="search-results" data-testid="search-results">
      <p className="muted">
        {groups.length} device{groups.length === 1 ? '' : 's'}, {results.matches.length} version
        {results.matches.length === 1 ? '' : 's'}
        {results.hasNextPage ? ' so far' : ''}
      </p>
      {groups.map((group) => (
        <section key={group.device.id} className="search-group" data-testid={`search-device-${group.device.id}`}>
          <h2>
            <Link href={`/devices/${encodeURIComponent(group.device.id)}`}>{group.device.name}</Link>{' '}
            <span className="mono muted small">{group.device.pluginKey}</span>
          </h2>
          {group.matches.map((match) => (
            <VersionMatches key={match.backup.id} match={match} highlighter={highlighter} />
          ))}
        </section>
      ))}
    </div>
  );
}

function VersionMatches({ match, highlighter }: { match: ConfigMatch; highlighter: Highlighter }) {
  const versionHref = (line: number | null) =>
    `/devices/${encodeURIComponent(match.device.id)}?version=${encodeURIComponent(match.backup.id)}${line ? `&line=${line}` : ''}`;
  const firstMatch = match.lines.find((line) => line.isMatch)?.number ?? null;
  return (
    <div className="search-version" data-testid={`search-version-${match.backup.id}`}>
      <div className="search-version-header">
        <Link href={versionHref(firstMatch)} data-testid="search-version-link">
          Version of {formatDateTime(match.backup.createdAt)}
        </Link>{' '}
        <span className="muted small">
          · {match.matchCount} matching line{match.matchCount === 1 ? '' : 's'}
          {match.matchCount > match.lines.filter((line) => line.isMatch).length ? ' (first ones shown)' : ''}
        </span>
      </div>
      <pre className="config search-lines">
        {match.lines.map((line, index) => {
          const gap = index > 0 && line.number !== (match.lines[index - 1]?.number ?? 0) + 1;
          return (
            <Fragment key={line.number}>
              {gap ? <span className="line line-gap">{'⋯\n'}</span> : null}
              <span className={line.isMatch ? 'line line-match' : 'line line-context'}>
                <Link className="line-number" href={versionHref(line.number)}>
                  {line.number}
                </Link>
                {line.isMatch ? highlighter(line.text) : line.text}
                {'\n'}
              </span>
            </Fragment>
          );
        })}
      </pre>
    </div>
  );
}

type Highlighter = (text: string) => ReactNode;

/**
 * Marks what matched inside a matching line. The server uses PostgreSQL regular expressions; most also
 * compile in JavaScript, and when one does not the line is marked as a whole (the server said it matched).
 */
function makeHighlighter(options: SearchOptions): Highlighter {
  const source = options.regex ? options.pattern : options.pattern.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, options.caseSensitive ? 'gm' : 'gim');
  } catch {
    return (text) => <mark>{text}</mark>;
  }
  return (text) => {
    const parts: ReactNode[] = [];
    let last = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match[0].length === 0) {
        pattern.lastIndex += 1;
        continue;
      }
      if (match.index > last) parts.push(text.slice(last, match.index));
      parts.push(<mark key={match.index}>{match[0]}</mark>);
      last = match.index + match[0].length;
    }
    if (parts.length === 0) return <mark>{text}</mark>;
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  };
}
