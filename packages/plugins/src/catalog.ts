/**
 * What the API and the CLI show about each plugin: metadata only, no `collect`. Importing it loads the vendor
 * definitions but no transport library (ssh2 is loaded when a connection opens), so the GraphQL schema and
 * `schema:print` stay light; a test checks the module graph.
 */
import type { BackupPlugin, TransportKind } from './contract.js';
import { plugins } from './registry.js';

export type PluginSummary = Pick<
  BackupPlugin,
  'key' | 'friendlyName' | 'description' | 'isBinary' | 'transport' | 'oxidizedModel' | 'options'
> & { transports: readonly TransportKind[] };

function summarise(plugin: BackupPlugin): PluginSummary {
  return {
    key: plugin.key,
    friendlyName: plugin.friendlyName,
    description: plugin.description,
    isBinary: plugin.isBinary,
    transport: plugin.transport,
    oxidizedModel: plugin.oxidizedModel,
    // `none` (e.g. noop) reaches no device, so it lists no transport.
    transports: plugin.transports ?? (plugin.transport === 'none' ? [] : [plugin.transport]),
    options: plugin.options,
  };
}

export const pluginCatalog: readonly PluginSummary[] = plugins.map(summarise);

const byKey = new Map(pluginCatalog.map((summary) => [summary.key, summary]));

export function findPluginSummary(key: string): PluginSummary | undefined {
  return byKey.get(key);
}

/**
 * The plugin that reproduces an Oxidized model's output (`ios` → `cisco_ios`), for imports from Oxidized;
 * text plugins win over binary ones of the same model. Case-insensitive, as Oxidized model names are.
 */
export function findPluginForOxidizedModel(model: string): PluginSummary | undefined {
  const wanted = model.trim().toLowerCase();
  const matches = pluginCatalog.filter((summary) => summary.oxidizedModel?.toLowerCase() === wanted);
  return matches.find((summary) => !summary.isBinary) ?? matches[0];
}
