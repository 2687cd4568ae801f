/**
 * `devicevault plugins [--json]`: every collection plugin, from the metadata-only catalog (no transport is
 * loaded). `--json` prints `[{ key, friendlyName, description, isBinary, oxidizedModel, transports }]` for
 * scripts; without it, one aligned line per plugin for people.
 */
import { parseArgs } from 'node:util';
import { type PluginSummary, pluginCatalog } from '@devicevault/plugins/catalog';

export interface PluginListing {
  key: string;
  friendlyName: string;
  description: string;
  isBinary: boolean;
  oxidizedModel: string | null;
  transports: string[];
}

export function pluginListing(catalog: readonly PluginSummary[] = pluginCatalog): PluginListing[] {
  return catalog.map((plugin) => ({
    key: plugin.key,
    friendlyName: plugin.friendlyName,
    description: plugin.description,
    isBinary: plugin.isBinary,
    oxidizedModel: plugin.oxidizedModel ?? null,
    transports: [...plugin.transports],
  }));
}

function table(listing: readonly PluginListing[]): string {
  const rows = listing.map((plugin) => [
    plugin.key,
    plugin.isBinary ? 'binary' : 'text',
    plugin.oxidizedModel ?? '-',
    plugin.transports.join(',') || '-',
    plugin.friendlyName,
  ]);
  const header = ['KEY', 'KIND', 'OXIDIZED MODEL', 'TRANSPORTS', 'NAME'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

let json = false;
try {
  json = parseArgs({ options: { json: { type: 'boolean' } }, strict: true }).values.json ?? false;
} catch (error) {
  process.stderr.write(`devicevault plugins: ${(error as Error).message}\nusage: devicevault plugins [--json]\n`);
  process.exit(2);
}
const listing = pluginListing();
process.stdout.write(json ? `${JSON.stringify(listing, null, 2)}\n` : table(listing));
