'use client';

import { useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';

const BackupMethods_MethodsQuery = graphql(`
  query BackupMethods_MethodsQuery {
    backupMethods { key friendlyName description isBinary oxidizedModel transports options { key description required } }
  }
`);

/** Every plugin: what it collects, text or binary, its options and the Oxidized model it reproduces. */
export function BackupMethods() {
  const [{ data, error }] = useQuery({ query: BackupMethods_MethodsQuery });
  if (error && !data) return <p className="notice notice-error">{errorMessage(error)}</p>;
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="backup-methods-table">
        <thead>
          <tr>
            <th>Method</th>
            <th>Key</th>
            <th>Type</th>
            <th>Transports</th>
            <th>Oxidized model</th>
            <th>Options</th>
          </tr>
        </thead>
        <tbody>
          {data?.backupMethods.map((method) => (
            <tr key={method.key}>
              <td>
                <strong>{method.friendlyName}</strong>
                <div className="small muted">{method.description}</div>
              </td>
              <td className="mono">{method.key}</td>
              <td>{method.isBinary ? 'Binary' : 'Text'}</td>
              <td className="mono small">{method.transports.join(', ') || '—'}</td>
              <td className="mono">{method.oxidizedModel ?? '—'}</td>
              <td className="small">
                {method.options.length === 0
                  ? '—'
                  : method.options.map((option) => (
                      <div key={option.key}>
                        <code>{option.key}</code>
                        {option.required ? ' (required)' : ''}: {option.description}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
