/**
 * What every inventory source yields (one record per device, normalised) and the settings a source row
 * carries. Each fetcher reads everything before the sync writes anything, so a failing source changes nothing.
 */

export interface InventoryRecord {
  /** Stable id of the device in the source (NetBox id, the name for HTTP and CSV lists). */
  key: string;
  name: string;
  /** Address to collect from; empty when the source has none (the record is skipped, with the reason). */
  host: string;
  /** NetBox platform slug, the HTTP list's model field or the CSV's pluginKey: mapped to a plugin key. */
  platform: string | null;
  deviceGroup: string | null;
  collectionGroup: string | null;
  port: number | null;
}

export interface InventorySettings {
  /** NetBox: query filters sent to `dcim/devices/` (status, site, role, tag, …; a list repeats the parameter). */
  filters?: Record<string, string | string[]>;
  /** NetBox: which object names the device group (created when missing); default `site`. */
  deviceGroupFrom?: 'site' | 'tenant' | 'role' | 'none';
  /** NetBox: the collection group from a custom field's value, or from the first tag starting with a prefix. */
  collectionGroupCustomField?: string;
  collectionGroupTagPrefix?: string;
  /** Platform slug / model → plugin key; unmapped ones try the plugin key itself, then Oxidized's model name. */
  platformMap?: Record<string, string>;
  /** HTTP: dot path to the device list in the answer (`data.devices`); empty for a top-level array. */
  listPath?: string;
  /** HTTP: dot paths of each field in a list item (Oxidized's http source `map`). */
  fieldMap?: {
    key?: string;
    name?: string;
    host?: string;
    model?: string;
    group?: string;
    collectionGroup?: string;
    port?: string;
  };
  /** Plugin for records whose platform maps to none (else they are skipped). */
  defaultPluginKey?: string;
  /** Credential given to devices the sync creates. */
  credentialId?: string;
  /** Seconds before a request to the source is abandoned (default 30). */
  timeoutSeconds?: number;
}

/** The encrypted part of a source: an API token (NetBox) and request headers (HTTP sources). */
export interface InventorySecret {
  token?: string;
  headers?: Record<string, string>;
}

/** A source that can't be read: the sync changes nothing and reports this message. */
export class InventorySourceError extends Error {}

/** A dot path (`a.b.0.c`) into parsed JSON. */
export function atPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
