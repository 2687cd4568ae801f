/**
 * The one policy layer: who may read or change what. Admins may do everything; operators may edit
 * devices and trigger backups in their granted device groups; viewers may read devices and backups in
 * their granted device groups. Every resolver, subscription and the download route ask here.
 */
import { inArray, type SQL, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { type DeviceRow, devices, type UserRole } from './db/tables.js';

export interface Viewer {
  userId: string;
  username: string;
  role: UserRole;
  /** Device groups this user's role applies to (ignored for admins). */
  deviceGroupIds: ReadonlySet<string>;
  /** How the request authenticated, and with which token row. */
  via: 'session' | 'api';
  tokenId: string;
}

export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.role === 'admin';
}

export function canReadDevice(viewer: Viewer | null, device: Pick<DeviceRow, 'deviceGroupId'>): boolean {
  if (!viewer) return false;
  if (viewer.role === 'admin') return true;
  return device.deviceGroupId !== null && viewer.deviceGroupIds.has(device.deviceGroupId);
}

export function canOperateDevice(viewer: Viewer | null, device: Pick<DeviceRow, 'deviceGroupId'>): boolean {
  if (!viewer) return false;
  if (viewer.role === 'admin') return true;
  return viewer.role === 'operator' && canReadDevice(viewer, device);
}

/** May this viewer put a device into (or create one in) this group? Admins anywhere, operators in theirs. */
export function canOperateGroup(viewer: Viewer | null, deviceGroupId: string | null): boolean {
  if (!viewer) return false;
  if (viewer.role === 'admin') return true;
  return viewer.role === 'operator' && deviceGroupId !== null && viewer.deviceGroupIds.has(deviceGroupId);
}

/**
 * May this viewer attach this credential to a device (or send it to a new host by editing one)? Admins
 * always; operators only credentials scoped to a device group they operate.
 */
export function canUseCredential(viewer: Viewer | null, credential: { deviceGroupId: string | null }): boolean {
  if (viewer?.role === 'admin') return true;
  return canOperateGroup(viewer, credential.deviceGroupId);
}

/** A WHERE condition limiting a devices query to what the viewer may read; undefined for admins. */
export function readableDevicesCondition(viewer: Viewer | null): SQL | undefined {
  if (viewer?.role === 'admin') return undefined;
  const groups = [...(viewer?.deviceGroupIds ?? [])];
  return groups.length > 0 ? inArray(devices.deviceGroupId, groups) : sql`false`;
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (viewer) return viewer;
  throw new GraphQLError('Sign in first: send a session cookie or an `Authorization: Bearer` token.', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

export function forbidden(message = 'You are not allowed to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function requireAdmin(viewer: Viewer | null): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.role !== 'admin') throw forbidden('Only administrators may do this.');
  return signedIn;
}
