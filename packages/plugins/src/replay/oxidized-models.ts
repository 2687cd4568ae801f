/**
 * Which plugin stores the same config as which Oxidized model: recorded sessions live in folders named
 * after the Oxidized model, and the replay runner and the demo fleet pick the plugin from this map. Derived
 * from each plugin's `oxidizedModel`, so a new vendor file is the only place to name its model.
 */
import { plugins } from '../registry.js';

export const pluginKeyByOxidizedModel: Readonly<Record<string, string>> = Object.fromEntries(
  plugins.flatMap((plugin) => (plugin.oxidizedModel ? [[plugin.oxidizedModel, plugin.key]] : [])),
);

export function pluginKeyForModel(model: string): string | undefined {
  return Object.hasOwn(pluginKeyByOxidizedModel, model) ? pluginKeyByOxidizedModel[model] : undefined;
}
