/**
 * Oxidized's CSV source (`router.db`): one node per line, fields split by a delimiter (`:` by default),
 * placed by a map (`name=0,model=1` by default, as Oxidized's own default config; `ip`, `group` optional).
 * Read so `import-oxidized` can give each node the plugin of its model and its address. Lines starting
 * with `#` are comments, as in Oxidized.
 */
import { findPluginForOxidizedModel } from '@devicevault/plugins/catalog';

export interface OxidizedNode {
  name: string;
  model: string | null;
  ip: string | null;
  group: string | null;
}

export interface RouterDbFormat {
  /** A literal string or a regular expression source (Oxidized configures a Ruby regexp). */
  delimiter: string;
  /** Field name → 0-based position. */
  map: Record<string, number>;
  /** Oxidized's `model_map`: a name used in router.db → the model it stands for (`cisco` → `ios`). */
  modelMap: Record<string, string>;
}

export const defaultRouterDbFormat: RouterDbFormat = { delimiter: ':', map: { name: 0, model: 1 }, modelMap: {} };

/** `name=0,ip=1,model=2` → `{ name: 0, ip: 1, model: 2 }`; throws on anything else. */
export function parseFieldMap(text: string): Record<string, number> {
  const map: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const match = /^\s*([a-z_]+)\s*=\s*(\d+)\s*$/.exec(pair);
    if (!match) throw new Error(`"${pair}" in the field map must look like name=0`);
    map[match[1]!] = Number(match[2]);
  }
  if (map.name === undefined) throw new Error('the field map must place "name" (Oxidized requires it too)');
  return map;
}

/** `cisco=ios,juniper=junos` → `{ cisco: 'ios', juniper: 'junos' }`. */
export function parseModelMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`"${pair}" in the model map must look like cisco=ios`);
    map[pair.slice(0, at).trim().toLowerCase()] = pair.slice(at + 1).trim();
  }
  return map;
}

export function parseRouterDb(text: string, format: RouterDbFormat = defaultRouterDbFormat): Map<string, OxidizedNode> {
  const nodes = new Map<string, OxidizedNode>();
  const splitter = format.delimiter.length === 1 ? format.delimiter : new RegExp(format.delimiter);
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line) || line.trim() === '') continue;
    const fields = line.split(splitter);
    const field = (key: string) => {
      const position = format.map[key];
      const value = position === undefined ? undefined : fields[position]?.trim();
      return value ? value : null;
    };
    const name = field('name');
    if (!name) continue;
    const model = field('model');
    nodes.set(name, {
      name,
      model: model === null ? null : (format.modelMap[model.toLowerCase()] ?? model),
      ip: field('ip'),
      group: field('group'),
    });
  }
  return nodes;
}

/** The plugin key for a node's model, or null when no plugin reproduces that model. */
export function pluginKeyForNode(node: OxidizedNode | undefined): string | null {
  if (!node?.model) return null;
  return findPluginForOxidizedModel(node.model)?.key ?? null;
}
