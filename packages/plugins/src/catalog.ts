/**
 * What the API and the CLI show about each plugin: metadata only, no `collect`. Importing it loads the vendor
 * definitions but no transport library (ssh2 is loaded when a connection opens), so the GraphQL schema and
 * `schema:print` stay light; a test checks the module graph.
 */
import type { BackupPlugin } from './contract.js';
import { plugins } from './registry.js';

export type PluginSummary = Pick<
  BackupPlugin,
  'key' | 'friendlyName' | 'description' | 'isBinary' | 'transport' | 'oxidizedModel' | 'options'
>;

function summarise(plugin: BackupPlugin): PluginSummary {
  return {
    key: plugin.key,
    friendlyName: plugin.friendlyName,
    description: plugin.description,
    isBinary: plugin.isBinary,
    transport: plugin.transport,
    oxidizedModel: plugin.oxidizedModel,
    options: plugin.options,
  };
}

export const pluginCatalog: readonly PluginSummary[] = plugins.map(summarise);

const byKey = new Map(pluginCatalog.map((summary) => [summary.key, summary]));

export function findPluginSummary(key: string): PluginSummary | undefined {
  return byKey.get(key);
}
