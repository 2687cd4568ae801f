// The devices page's filters, sort and page as URL parameters, so Back and shared links restore them.
import type { SearchParamValue } from './search-params';
import { firstParam } from './search-params';

export const BACKUP_STATES = ['FRESH', 'STALE', 'FAILING', 'NEVER', 'DISABLED'] as const;
export type BackupStateName = (typeof BACKUP_STATES)[number];

export type DeviceListParams = {
  search: string | null;
  group: string | null;
  collection: string | null;
  plugin: string | null;
  state: BackupStateName | null;
  enabled: boolean | null;
  archived: boolean;
  sort: 'NAME' | 'CREATED_AT';
  after: string | null;
};

export function parseDeviceListParams(raw: Record<string, SearchParamValue>): DeviceListParams {
  const state = firstParam(raw.state);
  const enabled = firstParam(raw.enabled);
  return {
    search: firstParam(raw.q),
    group: firstParam(raw.group),
    collection: firstParam(raw.collection),
    plugin: firstParam(raw.plugin),
    state: BACKUP_STATES.find((candidate) => candidate === state) ?? null,
    enabled: enabled === 'true' ? true : enabled === 'false' ? false : null,
    archived: firstParam(raw.archived) === 'true',
    sort: firstParam(raw.sort) === 'created' ? 'CREATED_AT' : 'NAME',
    after: firstParam(raw.after),
  };
}

export function deviceListHref(params: DeviceListParams): string {
  const query = new URLSearchParams();
  if (params.search) query.set('q', params.search);
  if (params.group) query.set('group', params.group);
  if (params.collection) query.set('collection', params.collection);
  if (params.plugin) query.set('plugin', params.plugin);
  if (params.state) query.set('state', params.state);
  if (params.enabled !== null) query.set('enabled', String(params.enabled));
  if (params.archived) query.set('archived', 'true');
  if (params.sort === 'CREATED_AT') query.set('sort', 'created');
  if (params.after) query.set('after', params.after);
  const text = query.toString();
  return text ? `/devices?${text}` : '/devices';
}
