'use client';

import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql, type VariablesOf } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { ConfirmDialog } from '../confirm-dialog';
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

const BulkActions_UpdateDevicesMutation = graphql(`
  mutation BulkActions_UpdateDevicesMutation($input: UpdateDevicesInput!) {
    updateDevices(input: $input) {
      __typename
      ... on UpdateDevicesSuccess { updatedCount skippedCount }
      ... on Error { message }
    }
  }
`);

const BulkActions_GroupsQuery = graphql(`
  query BulkActions_GroupsQuery {
    deviceGroups(first: 100) { edges { node { id name } } }
  }
`);

/** The list's filter, given to the mutations instead of ids to act on every device matching it. */
export type MatchingDevices = {
  filter: NonNullable<VariablesOf<typeof BulkActions_UpdateDevicesMutation>['input']['filter']>;
  /** The list's totalCount for that filter. */
  count: number;
};

/**
 * Actions on the selected devices, every device matching the list's filter (all pages), the filtered group or
 * the whole fleet: backups through triggerBackup, the rest through one updateDevices call (all of the
 * selection changes, or none when the server refuses one).
 */
export function BulkActions({
  selectedIds,
  matching,
  deviceGroupId,
  onDone,
}: {
  selectedIds: string[];
  /** Set when "all matching" is chosen: the actions then take the filter, not the ids. */
  matching: MatchingDevices | null;
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
  const [confirmArchive, setConfirmArchive] = useState(false);

  function finish(ok: boolean, text: string) {
    setResult({ ok, text });
    announce(text);
    setBusy(false);
    onDone();
  }

  async function backUp(input: VariablesOf<typeof BulkActions_TriggerBackupMutation>['input']) {
    setBusy(true);
    const response = await client.mutation(BulkActions_TriggerBackupMutation, { input }).toPromise();
    const payload = response.data?.triggerBackup;
    if (payload?.__typename === 'TriggerBackupSuccess') {
      finish(true, `${payload.queuedCount} backups queued, ${payload.skippedCount} skipped`);
    } else {
      finish(false, payload && 'message' in payload ? payload.message : errorMessage(response.error));
    }
  }

  async function update(verb: string, change: { enabled?: boolean; deviceGroupId?: string; archive?: boolean }) {
    setBusy(true);
    const input = { ...target, ...change };
    const response = await client.mutation(BulkActions_UpdateDevicesMutation, { input }).toPromise();
    const payload = response.data?.updateDevices;
    if (payload?.__typename === 'UpdateDevicesSuccess') {
      const skipped = payload.skippedCount ? `, ${payload.skippedCount} already so` : '';
      finish(true, `${payload.updatedCount} ${verb}${skipped}`);
    } else {
      finish(false, payload && 'message' in payload ? payload.message : errorMessage(response.error));
    }
  }

  const count = matching ? matching.count : selectedIds.length;
  const target = matching ? { filter: matching.filter } : { deviceIds: selectedIds };
  const none = count === 0 || busy;
  return (
    <div className="bulk-bar" data-testid="bulk-actions">
      <span className="muted" data-testid="bulk-count">
        {matching ? `All ${devicesLabel(count)} matching the filter selected` : `${count} selected`}
      </span>
      <button type="button" className="button" disabled={none} onClick={() => void backUp(target)}>
        Back up selected
      </button>
      <button
        type="button"
        className="button button-quiet"
        disabled={none}
        onClick={() => void update('enabled', { enabled: true })}
      >
        Enable
      </button>
      <button
        type="button"
        className="button button-quiet"
        disabled={none}
        onClick={() => void update('disabled', { enabled: false })}
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
          onClick={() => void update('moved', { deviceGroupId: moveTo })}
        >
          Move
        </button>
      </span>
      <button type="button" className="button button-quiet" disabled={none} onClick={() => setConfirmArchive(true)}>
        Archive
      </button>
      <ConfirmDialog
        open={confirmArchive}
        title={`Archive ${devicesLabel(count)}?`}
        confirmLabel={`Archive ${devicesLabel(count)}`}
        onConfirm={() => {
          setConfirmArchive(false);
          void update('archived', { archive: true });
        }}
        onCancel={() => setConfirmArchive(false)}
      >
        <p>
          The {devicesLabel(count)} {matching ? 'matching the filter' : 'selected'} will no longer be backed up and
          leave the list. Their versions are kept, and each can be restored from the archive.
        </p>
      </ConfirmDialog>
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

function devicesLabel(count: number): string {
  return count === 1 ? '1 device' : `${count} devices`;
}
