/**
 * A CSV inventory, read from a URL or a file (`file:///…` or an absolute path) with the CSV import's parser
 * and columns: name, host, pluginKey, port, deviceGroup, collectionGroup (others are ignored). A malformed
 * record fails the whole sync, as a malformed NetBox page does.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '@devicevault/schema/csv';
import { fetchText } from './fetch-json.js';
import { type InventoryRecord, type InventorySecret, InventorySourceError } from './inventory-records.js';

export async function readCsv(
  location: string,
  secret: InventorySecret,
  timeoutMs: number,
): Promise<InventoryRecord[]> {
  let body: string;
  if (/^https?:\/\//i.test(location)) {
    const headers: Record<string, string> = { ...(secret.headers ?? {}) };
    if (secret.token && !headers.authorization) headers.authorization = `Bearer ${secret.token}`;
    body = await fetchText(location, headers, timeoutMs);
  } else {
    const path = location.startsWith('file:') ? fileURLToPath(location) : location;
    body = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new InventorySourceError(`cannot read ${path}: ${error.code ?? error.message}`);
    });
  }
  const [header, ...rows] = parseCsv(body);
  if (!header) throw new InventorySourceError('the CSV is empty; its first line must name the columns');
  if ('error' in header) throw new InventorySourceError(`CSV line 1: ${header.error}`);
  const column = (name: string) =>
    header.fields.findIndex((field) => field.trim().toLowerCase() === name.toLowerCase());
  const at = { name: column('name'), host: column('host'), plugin: column('pluginKey'), port: column('port') };
  const groups = { device: column('deviceGroup'), collection: column('collectionGroup') };
  if (at.name < 0) throw new InventorySourceError('the CSV has no "name" column');
  return rows.map((row) => {
    if ('error' in row) throw new InventorySourceError(`CSV line ${row.line}: ${row.error}`);
    const field = (index: number) => (index >= 0 ? (row.fields[index] ?? '').trim() : '');
    const port = Number(field(at.port));
    return {
      key: field(at.name),
      name: field(at.name),
      host: field(at.host) || field(at.name),
      platform: field(at.plugin) || null,
      deviceGroup: field(groups.device) || null,
      collectionGroup: field(groups.collection) || null,
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : null,
    };
  });
}
