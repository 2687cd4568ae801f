'use client';

import { type FormEvent, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql, type ResultOf } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { usePermissions } from '../viewer-provider';
import { ConfigRuleEditor, type EditedConfigRule } from './config-rule-editor';

const ConfigRulesAdmin_RulesQuery = graphql(`
  query ConfigRulesAdmin_RulesQuery {
    scrubRules(first: 100) { edges { node { id pattern replacement pluginKey deviceGroupId } } }
    backupFilters(first: 100) { edges { node { id kind pattern description pluginKey deviceGroupId } } }
    devices(first: 100, orderBy: NAME) { edges { node { id name lastBackup { id isBinary } } } }
  }
`);

const ConfigRulesAdmin_PreviewScrubQuery = graphql(`
  query ConfigRulesAdmin_PreviewScrubQuery($input: PreviewScrubRuleInput!) {
    previewScrubRule(input: $input) {
      __typename
      ... on ScrubRulePreview { matchCount lines { number before after } }
      ... on Error { message }
    }
  }
`);

const ConfigRulesAdmin_PreviewFilterQuery = graphql(`
  query ConfigRulesAdmin_PreviewFilterQuery($input: PreviewBackupFilterInput!) {
    previewBackupFilter(input: $input) {
      __typename
      ... on BackupFilterPreview { matchCount lines { number before after } }
      ... on Error { message }
    }
  }
`);

const ConfigRulesAdmin_CreateScrubRuleMutation = graphql(`
  mutation ConfigRulesAdmin_CreateScrubRuleMutation($input: CreateScrubRuleInput!) {
    createScrubRule(input: $input) {
      __typename
      ... on CreateScrubRuleSuccess { scrubRule { id } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const ConfigRulesAdmin_CreateFilterMutation = graphql(`
  mutation ConfigRulesAdmin_CreateFilterMutation($input: CreateBackupFilterInput!) {
    createBackupFilter(input: $input) {
      __typename
      ... on CreateBackupFilterSuccess { backupFilter { id } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type PreviewLines = { matchCount: number; lines: { number: number; before: string; after: string | null }[] };

/** Scrub rules (masking) and backup filters (removing or ignoring lines), each previewed on a real version. */
export function ConfigRulesAdmin() {
  const client = useClient();
  const announce = useAnnounce();
  const { canOperate } = usePermissions();
  const [{ data, error }, reexecute] = useQuery({ query: ConfigRulesAdmin_RulesQuery });
  const [, createRule] = useMutation(ConfigRulesAdmin_CreateScrubRuleMutation);
  const [, createFilter] = useMutation(ConfigRulesAdmin_CreateFilterMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [preview, setPreview] = useState<PreviewLines | string | null>(null);
  const [editing, setEditing] = useState<EditedConfigRule | null>(null);
  const devices =
    data?.devices.edges.map((edge) => edge.node).filter((device) => device.lastBackup && !device.lastBackup.isBinary) ??
    [];

  function read(form: HTMLFormElement) {
    const values = new FormData(form);
    const text = (name: string) => String(values.get(name) ?? '');
    return {
      kind: text('kind'),
      pattern: text('pattern'),
      replacement: text('replacement'),
      description: text('description'),
      deviceId: text('deviceId'),
    };
  }

  async function runPreview(form: HTMLFormElement) {
    const values = read(form);
    const device = devices.find((candidate) => candidate.id === values.deviceId);
    if (!device?.lastBackup) return setPreview('Pick a device with a text version to preview on.');
    if (values.kind === 'SCRUB') {
      const result = await client
        .query(ConfigRulesAdmin_PreviewScrubQuery, {
          input: { backupId: device.lastBackup.id, pattern: values.pattern, replacement: values.replacement },
        })
        .toPromise();
      const payload: ResultOf<typeof ConfigRulesAdmin_PreviewScrubQuery>['previewScrubRule'] | undefined =
        result.data?.previewScrubRule;
      if (payload?.__typename === 'ScrubRulePreview') return setPreview(payload);
      return setPreview(payload && 'message' in payload ? payload.message : errorMessage(result.error));
    }
    const result = await client
      .query(ConfigRulesAdmin_PreviewFilterQuery, { input: { deviceId: device.id, pattern: values.pattern } })
      .toPromise();
    const payload: ResultOf<typeof ConfigRulesAdmin_PreviewFilterQuery>['previewBackupFilter'] | undefined =
      result.data?.previewBackupFilter;
    if (payload?.__typename === 'BackupFilterPreview') return setPreview(payload);
    setPreview(payload && 'message' in payload ? payload.message : errorMessage(result.error));
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = read(event.currentTarget);
    setProblem(null);
    const result =
      values.kind === 'SCRUB'
        ? await createRule({ input: { pattern: values.pattern, replacement: values.replacement } })
        : await createFilter({
            input: {
              pattern: values.pattern,
              description: values.description,
              kind: values.kind === 'REMOVE_BEFORE_STORING' ? 'REMOVE_BEFORE_STORING' : 'IGNORE_FOR_CHANGES',
            },
          });
    const payload = result.data ? Object.values(result.data)[0] : undefined;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (!payload.__typename.endsWith('Success')) return setProblem(problemOf(payload));
    announce('Rule created');
    reexecute({ requestPolicy: 'network-only' });
  }

  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="rules-table">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Pattern</th>
              <th>Replacement or description</th>
              <th>Plugin</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.scrubRules.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>mask (scrub)</td>
                <td className="mono">{node.pattern}</td>
                <td className="mono">{node.replacement}</td>
                <td>{node.pluginKey ?? 'all'}</td>
                <td className="actions">
                  {/* Global rules are admins'; operators edit the rules of groups they operate. */}
                  {canOperate(node.deviceGroupId) ? (
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Edit scrub rule ${node.pattern}`}
                      onClick={() => setEditing({ type: 'scrub', ...node })}
                    >
                      Edit
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
            {data?.backupFilters.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>{node.kind === 'REMOVE_BEFORE_STORING' ? 'remove' : 'ignore for changes'}</td>
                <td className="mono">{node.pattern}</td>
                <td>{node.description}</td>
                <td>{node.pluginKey ?? 'all'}</td>
                <td className="actions">
                  {/* Global rules are admins'; operators edit the rules of groups they operate. */}
                  {canOperate(node.deviceGroupId) ? (
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Edit filter ${node.pattern}`}
                      onClick={() => setEditing({ type: 'filter', ...node })}
                    >
                      Edit
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing ? (
        <ConfigRuleEditor
          key={editing.id}
          rule={editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)} data-testid="rule-form">
        <h2>New rule</h2>
        <FormField label="Kind">
          <select name="kind" defaultValue="SCRUB">
            <option value="SCRUB">Mask matching text (scrub rule)</option>
            <option value="REMOVE_BEFORE_STORING">Remove matching lines before storing</option>
            <option value="IGNORE_FOR_CHANGES">Keep matching lines but ignore them for changes</option>
          </select>
        </FormField>
        <FormField label="Pattern (RE2)" error={problem?.field === 'pattern' ? problem.message : null}>
          <input name="pattern" required className="mono" />
        </FormField>
        <FormField label="Replacement (scrub rules)" error={problem?.field === 'replacement' ? problem.message : null}>
          <input name="replacement" className="mono" defaultValue="<removed>" />
        </FormField>
        <FormField label="Description (filters)">
          <input name="description" />
        </FormField>
        <FormField label="Preview on the latest version of">
          <select name="deviceId" defaultValue="">
            <option value="">Choose a device…</option>
            {devices.map((device) => (
              <option key={device.id} value={device.id}>
                {device.name}
              </option>
            ))}
          </select>
        </FormField>
        {problem && problem.field !== 'pattern' && problem.field !== 'replacement' ? (
          <p className="inline-error" role="alert">
            {problem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button
            type="button"
            className="button button-quiet"
            onClick={(event) => {
              const form = event.currentTarget.form;
              if (form) void runPreview(form);
            }}
          >
            Preview
          </button>
          <button type="submit" className="button">
            Create rule
          </button>
        </div>
      </form>
      <section aria-live="polite" data-testid="rule-preview">
        {typeof preview === 'string' ? <p className="inline-error">{preview}</p> : null}
        {preview && typeof preview !== 'string' ? (
          <>
            <p>{preview.matchCount} lines match.</p>
            <pre className="config">
              {preview.lines.map((line) => (
                <span key={line.number} className="line">
                  <span className="line-number">{line.number}</span>
                  <span className="diff-removed-text">{line.before}</span>
                  {line.after !== null ? (
                    <>
                      {'\n'}
                      <span className="line-number">→</span>
                      <span className="diff-added-text">{line.after}</span>
                    </>
                  ) : null}
                  {'\n'}
                </span>
              ))}
            </pre>
          </>
        ) : null}
      </section>
    </>
  );
}
