'use client';

import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { graphql } from '../../lib/graphql';
import { useAnnounce } from '../announcer';
import { FormField, type FormProblem, problemOf } from '../forms/form-field';
import { usePermissions } from '../viewer-provider';
import { DeviceGroupEditor } from './device-group-editor';

const DeviceGroupsAdmin_GroupsQuery = graphql(`
  query DeviceGroupsAdmin_GroupsQuery {
    deviceGroups(first: 100) { edges { node { id name description deviceCount } } }
  }
`);

const DeviceGroupsAdmin_CreateDeviceGroupMutation = graphql(`
  mutation DeviceGroupsAdmin_CreateDeviceGroupMutation($input: CreateDeviceGroupInput!) {
    createDeviceGroup(input: $input) {
      __typename
      ... on CreateDeviceGroupSuccess { deviceGroup { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

const DeviceGroupsAdmin_DeleteDeviceGroupMutation = graphql(`
  mutation DeviceGroupsAdmin_DeleteDeviceGroupMutation($input: DeleteDeviceGroupInput!) {
    deleteDeviceGroup(input: $input) {
      __typename
      ... on Error { message }
    }
  }
`);

/** Device groups: who may see and operate which devices (grants are per group). */
export function DeviceGroupsAdmin() {
  const announce = useAnnounce();
  const { isAdmin } = usePermissions();
  const [{ data, error }, reexecute] = useQuery({ query: DeviceGroupsAdmin_GroupsQuery });
  const [{ fetching }, create] = useMutation(DeviceGroupsAdmin_CreateDeviceGroupMutation);
  const [, remove] = useMutation(DeviceGroupsAdmin_DeleteDeviceGroupMutation);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const editingGroup = data?.deviceGroups.edges.find(({ node }) => node.id === editing)?.node;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setProblem(null);
    const result = await create({
      input: { name: String(form.get('name') ?? '').trim(), description: String(form.get('description') ?? '') },
    });
    const payload = result.data?.createDeviceGroup;
    if (!payload) return setProblem({ field: null, message: errorMessage(result.error) });
    if (payload.__typename !== 'CreateDeviceGroupSuccess') return setProblem(problemOf(payload));
    formElement.reset();
    announce(`Device group ${payload.deviceGroup.name} created`);
    reexecute({ requestPolicy: 'network-only' });
  }

  return (
    <>
      {error && !data ? <p className="notice notice-error">{errorMessage(error)}</p> : null}
      <div className="table-wrap">
        <table className="data-table" data-testid="device-groups-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th className="num">Devices</th>
              {isAdmin ? (
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {data?.deviceGroups.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>
                  <Link href={`/devices?group=${encodeURIComponent(node.id)}`}>{node.name}</Link>
                </td>
                <td>{node.description}</td>
                <td className="num">{node.deviceCount}</td>
                {isAdmin ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Edit ${node.name}`}
                      onClick={() => setEditing(node.id)}
                    >
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-label={`Delete device group ${node.name}`}
                      onClick={async () => {
                        const result = await remove({ input: { id: node.id } });
                        const payload = result.data?.deleteDeviceGroup;
                        const message = payload && 'message' in payload ? payload.message : null;
                        if (message) setProblem({ field: null, message });
                        announce(message ?? `Device group ${node.name} deleted`);
                        reexecute({ requestPolicy: 'network-only' });
                      }}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {isAdmin && editingGroup ? (
        <DeviceGroupEditor
          key={editingGroup.id}
          group={editingGroup}
          onDone={(saved) => {
            setEditing(null);
            if (saved) reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
      {isAdmin ? (
        <form className="form" onSubmit={(event) => void submit(event)} data-testid="device-group-form">
          <h2>New device group</h2>
          <FormField label="Name" error={problem?.field === 'name' ? problem.message : null}>
            <input name="name" required autoComplete="off" />
          </FormField>
          <FormField label="Description" error={problem?.field === 'description' ? problem.message : null}>
            <input name="description" autoComplete="off" />
          </FormField>
          {problem && problem.field !== 'name' && problem.field !== 'description' ? (
            <p className="inline-error" role="alert">
              {problem.message}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="button" disabled={fetching}>
              Create device group
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
