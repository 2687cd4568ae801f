'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql, type ResultOf } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField } from '../forms/form-field';

const CsvImport_ImportMutation = graphql(`
  mutation CsvImport_ImportMutation($input: ImportDevicesCsvInput!) {
    importDevicesCsv(input: $input) {
      __typename
      ... on ImportDevicesCsvSuccess { createdCount dryRun invalidRowCount rowErrors { line field message } }
      ... on CsvRowsInvalidError { rowErrors { line field message } }
      ... on Error { message }
    }
  }
`);

type Outcome = ResultOf<typeof CsvImport_ImportMutation>['importDevicesCsv'];

const EXAMPLE = 'name,host,pluginKey,port,credential,deviceGroup,collectionGroup,enabled\n';

/** Paste or pick a CSV, check it (a dry run lists every bad row by line), then import the valid rows. */
export function CsvImport() {
  const announce = useAnnounce();
  const [csv, setCsv] = useState(EXAMPLE);
  const [checked, setChecked] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching }, importCsv] = useMutation(CsvImport_ImportMutation);

  async function run(dryRun: boolean) {
    setProblem(null);
    const result = await importCsv({ input: { csv, dryRun, skipInvalidRows: true } });
    const payload = result.data?.importDevicesCsv;
    if (!payload) return setProblem(errorMessage(result.error));
    setOutcome(payload);
    if (payload.__typename === 'ImportDevicesCsvSuccess') {
      if (dryRun) setChecked(csv);
      announce(
        dryRun
          ? `Dry run: ${payload.createdCount} devices would be created, ${payload.invalidRowCount} rows have errors`
          : `${payload.createdCount} devices created`,
      );
    } else if ('message' in payload) {
      setProblem(payload.message);
    }
  }

  const success = outcome?.__typename === 'ImportDevicesCsvSuccess' ? outcome : null;
  const rowErrors =
    outcome && (outcome.__typename === 'ImportDevicesCsvSuccess' || outcome.__typename === 'CsvRowsInvalidError')
      ? outcome.rowErrors
      : [];
  return (
    <div className="csv-import">
      <p className="muted">
        A header line, then one device per line. Columns: <code>name, host, pluginKey</code> (required),{' '}
        <code>port, credential, deviceGroup, collectionGroup, enabled</code> — credentials and groups by name.
      </p>
      <FormField label="CSV file">
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            if (file) setCsv(await file.text());
          }}
        />
      </FormField>
      <FormField label="CSV text">
        <textarea
          name="csv"
          rows={12}
          className="mono"
          value={csv}
          onChange={(event) => setCsv(event.target.value)}
          spellCheck={false}
        />
      </FormField>
      <div className="form-actions">
        <button type="button" className="button" disabled={fetching} onClick={() => void run(true)}>
          Check (dry run)
        </button>
        <button
          type="button"
          className="button"
          disabled={fetching || checked !== csv}
          title={checked !== csv ? 'Check this CSV first' : undefined}
          onClick={() => void run(false)}
        >
          Import valid rows
        </button>
      </div>
      {problem ? (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      ) : null}
      {success ? (
        <p className="notice" data-testid="import-summary">
          {success.dryRun
            ? `Dry run: ${success.createdCount} devices would be created; ${success.invalidRowCount} rows have errors. Nothing was written.`
            : `${success.createdCount} devices created; ${success.invalidRowCount} rows skipped.`}{' '}
          {success.dryRun ? null : <Link href="/devices">Open the devices</Link>}
        </p>
      ) : null}
      {rowErrors.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table" data-testid="import-errors">
            <caption>Rows with errors</caption>
            <thead>
              <tr>
                <th>Line</th>
                <th>Column</th>
                <th>Problem</th>
              </tr>
            </thead>
            <tbody>
              {rowErrors.map((error) => (
                <tr key={`${error.line}-${error.field}`} data-testid="import-error-row">
                  <td className="num">{error.line}</td>
                  <td className="mono">{error.field}</td>
                  <td>{error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
