'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';

const DeviceForm_OptionsQuery = graphql(`
  query DeviceForm_OptionsQuery {
    backupMethods { key friendlyName isBinary options { key description required } }
    credentials(first: 100) { edges { node { id name username } } }
    deviceGroups(first: 100) { edges { node { id name } } }
    collectionGroups(first: 100) { edges { node { id name schedule } } }
  }
`);

const DeviceForm_DeviceQuery = graphql(`
  query DeviceForm_DeviceQuery($id: ID!) {
    device(id: $id) {
      id name host port pluginKey enabled scrubSecrets
      credential { id }
      deviceGroup { id }
      collectionGroup { id }
    }
  }
`);

const DeviceForm_CreateDeviceMutation = graphql(`
  mutation DeviceForm_CreateDeviceMutation($input: CreateDeviceInput!) {
    createDevice(input: $input) {
      __typename
      ... on CreateDeviceSuccess { device { id } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const DeviceForm_UpdateDeviceMutation = graphql(`
  mutation DeviceForm_UpdateDeviceMutation($input: UpdateDeviceInput!) {
    updateDevice(input: $input) {
      __typename
      ... on UpdateDeviceSuccess { device { id } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

/** Adds a device, or edits one; the server's ValidationError shows under the field it names. */
export function DeviceForm({ deviceId }: { deviceId: string | null }) {
  const router = useRouter();
  const [{ data: options }] = useQuery({ query: DeviceForm_OptionsQuery });
  const [{ data: existing }] = useQuery({
    query: DeviceForm_DeviceQuery,
    variables: { id: deviceId ?? '' },
    pause: deviceId === null,
  });
  const [{ fetching: creating }, createDevice] = useMutation(DeviceForm_CreateDeviceMutation);
  const [{ fetching: updating }, updateDevice] = useMutation(DeviceForm_UpdateDeviceMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  const device = existing?.device ?? null;
  if (!options || (deviceId && !existing)) return <p className="notice">Loading…</p>;
  if (deviceId && !device) return <p className="notice">No such device.</p>;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const optional = (name: string) => text(name) || null;
    const port = text('port');
    const fields = {
      name: text('name'),
      host: text('host'),
      port: port ? Number(port) : null,
      pluginKey: text('pluginKey'),
      credentialId: optional('credentialId'),
      deviceGroupId: optional('deviceGroupId'),
      collectionGroupId: optional('collectionGroupId'),
      enabled: form.get('enabled') === 'on',
      scrubSecrets: form.get('scrubSecrets') === 'on',
    };
    if (deviceId) {
      const result = await updateDevice({ input: { id: deviceId, ...fields } });
      const payload = result.data?.updateDevice;
      if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
      if (payload.__typename === 'UpdateDeviceSuccess') return router.push(`/devices/${encodeURIComponent(deviceId)}`);
      return setProblem(problemOf(payload));
    }
    const result = await createDevice({ input: fields });
    const payload = result.data?.createDevice;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename === 'CreateDeviceSuccess') {
      return router.push(`/devices/${encodeURIComponent(payload.device.id)}`);
    }
    setProblem(problemOf(payload));
  }

  const fieldError = (field: string) => (problem?.field === field ? problem.message : null);
  const known = new Set(['name', 'host', 'port', 'pluginKey', 'credentialId', 'deviceGroupId', 'collectionGroupId']);
  return (
    <form className="form" onSubmit={(event) => void submit(event)} data-testid="device-form" noValidate>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required defaultValue={device?.name ?? ''} autoComplete="off" />
      </FormField>
      <FormField label="Host" error={fieldError('host')} hint="IPv4, IPv6 address or DNS name">
        <input name="host" required defaultValue={device?.host ?? ''} autoComplete="off" />
      </FormField>
      <FormField label="Port" error={fieldError('port')} hint="Empty: 22 for SSH, 69 for TFTP">
        <input name="port" inputMode="numeric" defaultValue={device?.port ?? ''} />
      </FormField>
      <FormField label="Backup method" error={fieldError('pluginKey')}>
        <select name="pluginKey" required defaultValue={device?.pluginKey ?? ''}>
          <option value="" disabled>
            Choose…
          </option>
          {options.backupMethods.map((method) => (
            <option key={method.key} value={method.key}>
              {method.friendlyName} ({method.key}
              {method.isBinary ? ', binary' : ''})
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="Credential" error={fieldError('credentialId')}>
        <select name="credentialId" defaultValue={device?.credential?.id ?? ''}>
          <option value="">None</option>
          {options.credentials.edges.map(({ node }) => (
            <option key={node.id} value={node.id}>
              {node.name} ({node.username})
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="Device group" error={fieldError('deviceGroupId')}>
        <select name="deviceGroupId" defaultValue={device?.deviceGroup?.id ?? ''}>
          <option value="">None</option>
          {options.deviceGroups.edges.map(({ node }) => (
            <option key={node.id} value={node.id}>
              {node.name}
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="Collection group" error={fieldError('collectionGroupId')}>
        <select name="collectionGroupId" defaultValue={device?.collectionGroup?.id ?? ''}>
          <option value="">None (manual only)</option>
          {options.collectionGroups.edges.map(({ node }) => (
            <option key={node.id} value={node.id}>
              {node.name}
              {node.schedule ? ` · ${node.schedule}` : ''}
            </option>
          ))}
        </select>
      </FormField>
      <label className="toggle">
        <input type="checkbox" name="enabled" defaultChecked={device?.enabled ?? true} /> Enabled
      </label>
      <label className="toggle">
        <input type="checkbox" name="scrubSecrets" defaultChecked={device?.scrubSecrets ?? false} /> Mask secrets in
        stored versions
      </label>
      {problem && (!problem.field || !known.has(problem.field)) ? (
        <p className="inline-error" role="alert">
          {problem.field ? `${problem.field}: ` : ''}
          {problem.message}
        </p>
      ) : null}
      {problem?.field && known.has(problem.field) ? (
        <p className="visually-hidden" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={creating || updating}>
          {deviceId ? 'Save device' : 'Add device'}
        </button>
      </div>
    </form>
  );
}
