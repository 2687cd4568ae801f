/**
 * A generic HTTP JSON inventory, as Oxidized's `http` source reads one: GET the URL with the configured
 * headers, take the list at `listPath`, and read each field at its `fieldMap` path.
 */
import { fetchJson } from './fetch-json.js';
import {
  atPath,
  type InventoryRecord,
  type InventorySecret,
  type InventorySettings,
  InventorySourceError,
  text,
} from './inventory-records.js';

export async function readHttpJson(
  url: string,
  settings: InventorySettings,
  secret: InventorySecret,
  timeoutMs: number,
): Promise<InventoryRecord[]> {
  const headers: Record<string, string> = { accept: 'application/json', ...(secret.headers ?? {}) };
  if (secret.token && !headers.authorization) headers.authorization = `Bearer ${secret.token}`;
  const body = await fetchJson(url, headers, timeoutMs);
  const list = atPath(body, settings.listPath);
  if (!Array.isArray(list))
    throw new InventorySourceError(`no list at "${settings.listPath ?? ''}" in the answer of the HTTP source`);
  const map = settings.fieldMap ?? {};
  return list.map((item, index) => {
    const name = text(atPath(item, map.name ?? 'name'));
    const port = Number(text(atPath(item, map.port ?? 'port')));
    return {
      key: text(atPath(item, map.key ?? map.name ?? 'name')) ?? `item-${index}`,
      name: name ?? '',
      host: text(atPath(item, map.host ?? 'ip')) ?? name ?? '',
      platform: text(atPath(item, map.model ?? 'model')),
      deviceGroup: text(atPath(item, map.group ?? 'group')),
      collectionGroup: map.collectionGroup ? text(atPath(item, map.collectionGroup)) : null,
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : null,
    };
  });
}
