'use client';

import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { usePermissions } from '../viewer-provider';

const BulkActions_TriggerBackupMutation = graphql(`
  mutation BulkActions_TriggerBackupMutation($input: TriggerBackupInput!) {
    triggerBackup(input: $input) {
      __typename
      ... on TriggerBackupSuccess { queuedCount skippedCount }
      ... on Error { message }
    }
  }
`);

const BulkActions_SetDeviceEnabledMutation = graphql(`
  mutation BulkActions_SetDeviceEnabledMutation($input: SetDeviceEnabledInput!) {
    setDeviceEnabled(input: $input) {
      __typename
      ... on SetDeviceEnabledSuccess { device { id enabled backupState } }
      ... on Error { message }
    }
  }
`);

const BulkActions_MoveDeviceMutation = graphql(`
  mutation BulkActions_MoveDeviceMutation($input: UpdateDeviceInput!) {
    updateDevice(input: $input) {
      __typename
      ... on UpdateDeviceSuccess { device { id deviceGroup { id name } } }
      ... on Error { message }
    }
  }
`);

const BulkActions_ArchiveDeviceMutation = graphql(`
  mutation BulkActions_ArchiveDeviceMutation($input: ArchiveDeviceInput!) {
    archiveDevice(input: $input) {
      __typename
      ... on ArchiveDeviceSuccess { device { id archivedAt } }
      ... on Error { message }
    }
  }
`);

const BulkActions_GroupsQuery = graphql(`
  query BulkActions_GroupsQuery {
    deviceGroups(first: 100) { edges { node { id name } } }
  }
`);

type Outcome = { __typename: string; message?: string } | undefined;

/**
 * Actions on the selected devices, the filtered group or the whole fleet. The API takes a list only for
 * backups; the other actions go device by device and report how many the server refused.
 */
export function BulkActions({
  selectedIds,
  deviceGroupId,
  onDone,
}: {
  selectedIds: string[];
  deviceGroupId: string | null;
  onDone: () => void;
}) {
  const client = useClient();
  const announce = useAnnounce();
  const { isAdmin } = usePermissions();
  const [{ data: groups }] = useQuery({ query: BulkActions_GroupsQuery });
  const [moveTo, setMoveTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  function finish(ok: boolean, text: string) {
    setResult({ ok, text });
    announce(text);
    setBusy(false);
    onDone();
  }

  async function backUp(input: { deviceIds?: string[]; deviceGroupId?: string; all?: boolean }) {
    setBusy(true);
    const response = await client.mutation(BulkActions_TriggerBackupMutation, { input }).toPromise();
    const payload = response.data?.triggerBackup;
    if (payload?.__typename === 'TriggerBackupSuccess') {
      finish(true, `${payload.queuedCount} backups queued, ${payload.skippedCount} skipped`);
    } else {
      finish(false, payload && 'message' in payload ? payload.message : errorMessage(response.error));
    }
  }

  async function eachDevice(verb: string, run: (id: string) => Promise<{ payload: Outcome }>) {
    setBusy(true);
    let done = 0;
    const problems: string[] = [];
    for (const id of selectedIds) {
      const { payload } = await run(id);
      if (payload?.__typename.endsWith('Success')) done += 1;
      else problems.push(payload?.message ?? 'no answer');
    }
    finish(
      problems.length === 0,
      `${done} ${verb}${problems.length ? `; ${problems.length} refused: ${problems[0]}` : ''}`,
    );
  }

  const none = selectedIds.length === 0 || busy;
  return (
    <div className="bulk-bar" data-testid="bulk-actions">
      <span className="muted">{selectedIds.length} selected</span>
      <button type="button" className="button" disabled={none} onClick={() => void backUp({ deviceIds: selectedIds })}>
        Back up selected
      </button>
      <button
        type="button"
        className="button button-quiet"
        disabled={none}
        onClick={() =>
          void eachDevice('enabled', async (id) => {
            const r = await client.mutation(BulkActions_SetDeviceEnabledMutation, { input: { id, enabled: true } });
            return { payload: r.data?.setDeviceEnabled };
          })
        }
      >
        Enable
      </button>
      <button
        type="button"
        className="button button-quiet"
        disabled={none}
        onClick={() =>
          void eachDevice('disabled', async (id) => {
            const r = await client.mutation(BulkActions_SetDeviceEnabledMutation, { input: { id, enabled: false } });
            return { payload: r.data?.setDeviceEnabled };
          })
        }
      >
        Disable
      </button>
      <span className="inline-group">
        <label>
          <span className="visually-hidden">Move selected to group</span>
          <select value={moveTo} onChange={(event) => setMoveTo(event.target.value)}>
            <option value="">Move to group…</option>
            {groups?.deviceGroups.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-quiet"
          disabled={none || !moveTo}
          onClick={() =>
            void eachDevice('moved', async (id) => {
              const r = await client.mutation(BulkActions_MoveDeviceMutation, { input: { id, deviceGroupId: moveTo } });
              return { payload: r.data?.updateDevice };
            })
          }
        >
          Move
        </button>
      </span>
      <button
        type="button"
        className="button button-quiet"
        disabled={none}
        onClick={() =>
          void eachDevice('archived', async (id) => {
            const r = await client.mutation(BulkActions_ArchiveDeviceMutation, { input: { id } });
            return { payload: r.data?.archiveDevice };
          })
        }
      >
        Archive
      </button>
      {deviceGroupId ? (
        <button
          type="button"
          className="button button-quiet"
          disabled={busy}
          onClick={() => void backUp({ deviceGroupId })}
        >
          Back up this group
        </button>
      ) : null}
      {isAdmin ? (
        <button
          type="button"
          className="button button-quiet"
          disabled={busy}
          onClick={() => void backUp({ all: true })}
        >
          Back up all
        </button>
      ) : null}
      {result ? (
        <span className={result.ok ? 'inline-ok' : 'inline-error'} data-testid="bulk-result">
          {result.text}
        </span>
      ) : null}
    </div>
  );
}
