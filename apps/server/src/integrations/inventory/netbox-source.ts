/**
 * NetBox (`GET <url>/api/dcim/devices/` with `Authorization: Token …`, following `next` until null): the
 * primary IP (its /prefix stripped) is the host, the platform slug picks the plugin, site/tenant/role names the
 * device group, a custom field or a tag prefix the collection group. Every page is read before anything is
 * written.
 */
import { fetchJson } from './fetch-json.js';
import {
  type InventoryRecord,
  type InventorySecret,
  type InventorySettings,
  InventorySourceError,
  text,
} from './inventory-records.js';

interface NetboxNamed {
  name?: string;
  slug?: string;
}

interface NetboxDevice {
  id: number;
  name: string | null;
  site?: NetboxNamed | null;
  tenant?: NetboxNamed | null;
  role?: NetboxNamed | null;
  device_role?: NetboxNamed | null;
  platform?: NetboxNamed | null;
  primary_ip?: { address?: string } | null;
  tags?: NetboxNamed[];
  custom_fields?: Record<string, unknown>;
}

const maxPages = 10_000;

export function devicesUrl(base: string, settings: InventorySettings): string {
  const trimmed = base.replace(/\/+$/, '');
  const url = new URL(trimmed.endsWith('/api') ? `${trimmed}/dcim/devices/` : `${trimmed}/api/dcim/devices/`);
  url.searchParams.set('limit', '1000');
  for (const [key, value] of Object.entries(settings.filters ?? {}))
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(key, one);
  return url.toString();
}

export async function readNetbox(
  base: string,
  settings: InventorySettings,
  secret: InventorySecret,
  timeoutMs: number,
): Promise<InventoryRecord[]> {
  const headers: Record<string, string> = { accept: 'application/json', ...(secret.headers ?? {}) };
  if (secret.token) headers.authorization = `Token ${secret.token}`;
  const records: InventoryRecord[] = [];
  let next: string | null = devicesUrl(base, settings);
  for (let page = 1; next; page++) {
    if (page > maxPages) throw new InventorySourceError(`NetBox paging did not end after ${maxPages} pages`);
    const body = (await fetchJson(next, headers, timeoutMs)) as { results?: unknown; next?: unknown };
    if (!body || typeof body !== 'object' || !Array.isArray(body.results))
      throw new InventorySourceError(`NetBox page ${page} has no "results" list: not a dcim/devices answer`);
    for (const device of body.results as NetboxDevice[]) records.push(toRecord(device, settings));
    next = typeof body.next === 'string' && body.next ? body.next : null;
  }
  return records;
}

function toRecord(device: NetboxDevice, settings: InventorySettings): InventoryRecord {
  if (typeof device?.id !== 'number') throw new InventorySourceError('a NetBox device without a numeric id');
  const from = settings.deviceGroupFrom ?? 'site';
  const groupObject =
    from === 'site'
      ? device.site
      : from === 'tenant'
        ? device.tenant
        : from === 'role'
          ? (device.role ?? device.device_role)
          : null;
  return {
    key: String(device.id),
    name: text(device.name) ?? `netbox-${device.id}`,
    host: (text(device.primary_ip?.address) ?? '').replace(/\/\d+$/, ''),
    platform: text(device.platform?.slug),
    deviceGroup: text(groupObject?.name),
    collectionGroup: collectionGroupOf(device, settings),
    port: null,
  };
}

function collectionGroupOf(device: NetboxDevice, settings: InventorySettings): string | null {
  if (settings.collectionGroupCustomField) {
    const value = text(device.custom_fields?.[settings.collectionGroupCustomField]);
    if (value) return value;
  }
  const prefix = settings.collectionGroupTagPrefix;
  if (prefix) {
    const tag = (device.tags ?? []).find((one) => (one.slug ?? one.name ?? '').startsWith(prefix));
    const slug = tag ? (tag.slug ?? tag.name ?? '') : '';
    if (slug.length > prefix.length) return slug.slice(prefix.length);
  }
  return null;
}
