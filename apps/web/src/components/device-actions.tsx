'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { type CombinedError, useClient } from 'urql';
import { errorMessage } from '../lib/error-message';
import { graphql } from '../lib/graphql';
import { useAnnounce } from './announcer';
import { ConfirmDialog } from './confirm-dialog';
import { usePermissions } from './viewer-provider';

const DeviceActions_SetEnabledMutation = graphql(`
  mutation DeviceActions_SetEnabledMutation($input: SetDeviceEnabledInput!) {
    setDeviceEnabled(input: $input) {
      __typename
      ... on SetDeviceEnabledSuccess { device { id enabled } }
      ... on Error { message }
    }
  }
`);

const DeviceActions_ArchiveMutation = graphql(`
  mutation DeviceActions_ArchiveMutation($input: ArchiveDeviceInput!) {
    archiveDevice(input: $input) {
      __typename
      ... on ArchiveDeviceSuccess { device { id archivedAt } }
      ... on Error { message }
    }
  }
`);

const DeviceActions_UnarchiveMutation = graphql(`
  mutation DeviceActions_UnarchiveMutation($input: UnarchiveDeviceInput!) {
    unarchiveDevice(input: $input) {
      __typename
      ... on UnarchiveDeviceSuccess { device { id archivedAt } }
      ... on Error { message }
    }
  }
`);

const DeviceActions_ForgetHostKeyMutation = graphql(`
  mutation DeviceActions_ForgetHostKeyMutation($input: UpdateDeviceInput!) {
    updateDevice(input: $input) {
      __typename
      ... on UpdateDeviceSuccess { device { id hostKeyFingerprint } }
      ... on Error { message }
    }
  }
`);

const DeviceActions_DeleteMutation = graphql(`
  mutation DeviceActions_DeleteMutation($input: DeleteDeviceInput!) {
    deleteDevice(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

type Result = {
  data?: Record<string, { __typename: string; message?: string } | undefined>;
  error?: CombinedError;
};

/** Enable/disable, archive/restore, forget the pinned host key and (admins) delete, each checked by the server. */
export function DeviceActions({
  device,
  onDone,
}: {
  device: { id: string; name: string; enabled: boolean; archivedAt: string | null; hostKeyFingerprint: string | null };
  onDone: () => void;
}) {
  const client = useClient();
  const router = useRouter();
  const announce = useAnnounce();
  const { isAdmin } = usePermissions();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // Which awkward-to-undo action is waiting for its answer in the dialog.
  const [confirming, setConfirming] = useState<'archive' | 'forgetHostKey' | 'delete' | null>(null);

  async function run(label: string, promise: PromiseLike<Result>) {
    const result = await promise;
    const payload = Object.values(result.data ?? {})[0];
    const ok = payload?.__typename.endsWith('Success') ?? false;
    const text = ok ? label : (payload?.message ?? errorMessage(result.error));
    setMessage({ ok, text });
    announce(text);
    if (ok) onDone();
    return ok;
  }

  return (
    <div className="device-actions">
      <button
        type="button"
        className="button button-quiet"
        onClick={() =>
          void run(
            device.enabled ? 'Disabled' : 'Enabled',
            client.mutation(DeviceActions_SetEnabledMutation, { input: { id: device.id, enabled: !device.enabled } }),
          )
        }
      >
        {device.enabled ? 'Disable' : 'Enable'}
      </button>
      {device.archivedAt ? (
        <button
          type="button"
          className="button button-quiet"
          onClick={() =>
            void run('Restored', client.mutation(DeviceActions_UnarchiveMutation, { input: { id: device.id } }))
          }
        >
          Restore from archive
        </button>
      ) : (
        <button type="button" className="button button-quiet" onClick={() => setConfirming('archive')}>
          Archive
        </button>
      )}
      <ConfirmDialog
        open={confirming === 'archive'}
        title={`Archive ${device.name}?`}
        confirmLabel={`Archive ${device.name}`}
        onConfirm={() => {
          setConfirming(null);
          void run('Archived', client.mutation(DeviceActions_ArchiveMutation, { input: { id: device.id } }));
        }}
        onCancel={() => setConfirming(null)}
      >
        <p>
          {device.name} will no longer be backed up or listed by default. Its versions are kept, and it can be restored
          from the archive.
        </p>
      </ConfirmDialog>
      {device.hostKeyFingerprint ? (
        <button type="button" className="button button-quiet" onClick={() => setConfirming('forgetHostKey')}>
          Forget host key
        </button>
      ) : null}
      <ConfirmDialog
        open={confirming === 'forgetHostKey'}
        title={`Forget the host key of ${device.name}?`}
        confirmLabel="Forget host key"
        onConfirm={() => {
          setConfirming(null);
          void run(
            'Host key forgotten: the next key is pinned',
            client.mutation(DeviceActions_ForgetHostKeyMutation, { input: { id: device.id, forgetHostKey: true } }),
          );
        }}
        onCancel={() => setConfirming(null)}
      >
        <p>
          The next backup accepts whatever key {device.name} presents and pins it. Do this only when you know the
          device's key changed (a replaced device or a new key), not to silence a warning you can't explain.
        </p>
      </ConfirmDialog>
      {isAdmin ? (
        <>
          <button type="button" className="button button-danger" onClick={() => setConfirming('delete')}>
            Delete
          </button>
          <ConfirmDialog
            open={confirming === 'delete'}
            title={`Delete ${device.name}?`}
            confirmLabel={`Delete ${device.name}`}
            onConfirm={async () => {
              setConfirming(null);
              if (await run('Deleted', client.mutation(DeviceActions_DeleteMutation, { input: { id: device.id } }))) {
                router.push('/devices');
              }
            }}
            onCancel={() => setConfirming(null)}
          >
            <p>
              {device.name} and every one of its versions are deleted for good. Archive instead to stop its backups and
              keep its history.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
      {message ? (
        <span className={message.ok ? 'inline-ok' : 'inline-error'} role={message.ok ? undefined : 'alert'}>
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
