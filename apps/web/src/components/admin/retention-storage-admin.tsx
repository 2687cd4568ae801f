'use client';

import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { optionalNumber } from '../../lib/form-values';
import { formatBytes, formatDateTime } from '../../lib/format';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { RetentionPolicyEditor } from './retention-policy-editor';
import { StorageLocationEditor } from './storage-location-editor';

const RetentionStorageAdmin_ListQuery = graphql(`
  query RetentionStorageAdmin_ListQuery {
    retentionPolicies { id name keepLast keepDays maxBytes isDefault }
    storageLocations { id name kind path isDefault lastPushAt lastPushError mirrorUrl mirrorBranch hasMirrorSecret }
  }
`);

const RetentionStorageAdmin_CreateRetentionMutation = graphql(`
  mutation RetentionStorageAdmin_CreateRetentionMutation($input: CreateRetentionPolicyInput!) {
    createRetentionPolicy(input: $input) {
      __typename
      ... on CreateRetentionPolicySuccess { retentionPolicy { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const RetentionStorageAdmin_CreateLocationMutation = graphql(`
  mutation RetentionStorageAdmin_CreateLocationMutation($input: CreateStorageLocationInput!) {
    createStorageLocation(input: $input) {
      __typename
      ... on CreateStorageLocationSuccess { storageLocation { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

/** Retention policies and storage locations (devices and groups choose them on their own pages). */
export function RetentionStorageAdmin() {
  const announce = useAnnounce();
  const [{ data, error }, reexecute] = useQuery({ query: RetentionStorageAdmin_ListQuery });
  const [, createRetention] = useMutation(RetentionStorageAdmin_CreateRetentionMutation);
  const [, createLocation] = useMutation(RetentionStorageAdmin_CreateLocationMutation);
  const [retentionProblem, setRetentionProblem] = useState<FormProblem | null>(null);
  const [locationProblem, setLocationProblem] = useState<FormProblem | null>(null);
  const [editingPolicy, setEditingPolicy] = useState<string | null>(null);
  const editedPolicy = data?.retentionPolicies.find((policy) => policy.id === editingPolicy);
  const [editingLocation, setEditingLocation] = useState<string | null>(null);
  const editedLocation = data?.storageLocations.find((location) => location.id === editingLocation);

  async function submitRetention(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setRetentionProblem(null);
    const result = await createRetention({
      input: {
        name: String(form.get('name') ?? '').trim(),
        keepLast: optionalNumber(form.get('keepLast')),
        keepDays: optionalNumber(form.get('keepDays')),
        isDefault: form.get('isDefault') === 'on',
      },
    });
    const payload = result.data?.createRetentionPolicy;
    if (!payload) return setRetentionProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateRetentionPolicySuccess') return setRetentionProblem(problemOf(payload));
    formElement.reset();
    announce(`Retention policy ${payload.retentionPolicy.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  async function submitLocation(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setLocationProblem(null);
    const result = await createLocation({
      input: {
        name: String(form.get('name') ?? '').trim(),
        kind: form.get('kind') === 'GIT' ? 'GIT' : 'FS',
        path: String(form.get('path') ?? '').trim(),
        isDefault: form.get('isDefault') === 'on',
      },
    });
    const payload = result.data?.createStorageLocation;
    if (!payload) return setLocationProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateStorageLocationSuccess') return setLocationProblem(problemOf(payload));
    formElement.reset();
    announce(`Storage location ${payload.storageLocation.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <h2>Retention policies</h2>
      <div className="table-wrap">
        <table className="data-table" data-testid="retention-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Keeps</th>
              <th>Default</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.retentionPolicies.map((policy) => (
              <tr key={policy.id}>
                <td>{policy.name}</td>
                <td>
                  {[
                    policy.keepLast !== null ? `last ${policy.keepLast}` : null,
                    policy.keepDays !== null ? `${policy.keepDays} days` : null,
                    policy.maxBytes !== null ? `≤ ${formatBytes(policy.maxBytes)}` : null,
                  ]
                    .filter(Boolean)
                    .join(', ') || 'everything'}
                </td>
                <td>{policy.isDefault ? 'yes' : ''}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Edit ${policy.name}`}
                    onClick={() => setEditingPolicy(policy.id)}
                  >
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editedPolicy ? (
        <RetentionPolicyEditor
          key={editedPolicy.id}
          policy={editedPolicy}
          onDone={(saved) => {
            setEditingPolicy(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      <form className="form" onSubmit={(event) => void submitRetention(event)}>
        <h3>New retention policy</h3>
        <FormField label="Policy name" error={retentionProblem?.field === 'name' ? retentionProblem.message : null}>
          <input name="name" required autoComplete="off" />
        </FormField>
        <FormField
          label="Keep the last N versions"
          error={retentionProblem?.field === 'keepLast' ? retentionProblem.message : null}
        >
          <input name="keepLast" inputMode="numeric" />
        </FormField>
        <FormField
          label="Keep versions for N days"
          error={retentionProblem?.field === 'keepDays' ? retentionProblem.message : null}
        >
          <input name="keepDays" inputMode="numeric" />
        </FormField>
        <label className="toggle">
          <input type="checkbox" name="isDefault" /> Default for devices without one
        </label>
        {retentionProblem && !['name', 'keepLast', 'keepDays'].includes(retentionProblem.field ?? '') ? (
          <p className="inline-error" role="alert">
            {retentionProblem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button">
            Create retention policy
          </button>
        </div>
      </form>
      <h2>Storage locations</h2>
      <div className="table-wrap">
        <table className="data-table" data-testid="storage-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Path</th>
              <th>Mirror push</th>
              <th>Default</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.storageLocations.map((location) => (
              <tr key={location.id}>
                <td>{location.name}</td>
                <td>{location.kind.toLowerCase()}</td>
                <td className="mono">{location.path}</td>
                <td>
                  {location.lastPushError ? (
                    <span className="inline-error">failing: {location.lastPushError}</span>
                  ) : location.lastPushAt ? (
                    <span className="inline-ok">pushed {formatDateTime(location.lastPushAt)}</span>
                  ) : location.mirrorUrl ? (
                    <span className="muted">not pushed yet</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                  {/* Which remote is healthy or failing: the health alone doesn't say where it pushes. */}
                  {location.mirrorUrl ? (
                    <div className="mono small muted" data-testid="mirror-url">
                      {location.mirrorUrl}
                      {location.mirrorBranch ? ` (${location.mirrorBranch})` : ''}
                    </div>
                  ) : null}
                </td>
                <td>{location.isDefault ? 'yes' : ''}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Edit ${location.name}`}
                    onClick={() => setEditingLocation(location.id)}
                  >
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editedLocation ? (
        <StorageLocationEditor
          key={editedLocation.id}
          location={editedLocation}
          onDone={(saved) => {
            setEditingLocation(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      <form className="form" onSubmit={(event) => void submitLocation(event)}>
        <h3>New storage location</h3>
        <FormField label="Location name" error={locationProblem?.field === 'name' ? locationProblem.message : null}>
          <input name="name" required autoComplete="off" />
        </FormField>
        <FormField label="Kind" error={locationProblem?.field === 'kind' ? locationProblem.message : null}>
          <select name="kind" defaultValue="GIT">
            <option value="GIT">git (one file per device, a commit per change)</option>
            <option value="FS">filesystem (content-addressed)</option>
          </select>
        </FormField>
        <FormField label="Path" error={locationProblem?.field === 'path' ? locationProblem.message : null}>
          <input name="path" required autoComplete="off" />
        </FormField>
        <label className="toggle">
          <input type="checkbox" name="isDefault" /> Default location
        </label>
        {locationProblem && !['name', 'kind', 'path'].includes(locationProblem.field ?? '') ? (
          <p className="inline-error" role="alert">
            {locationProblem.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button">
            Create storage location
          </button>
        </div>
      </form>
    </>
  );
}
