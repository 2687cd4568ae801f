/**
 * Which plugin stores the same config as which Oxidized model: recorded sessions live in folders named
 * after the Oxidized model, and the replay runner and the demo fleet pick the plugin from this map.
 */
export const pluginKeyByOxidizedModel = {
  ios: 'cisco_ios',
  nxos: 'cisco_nxos',
  asa: 'cisco_asa',
  eos: 'arista_eos',
  junos: 'juniper_junos',
  routeros: 'mikrotik_routeros',
  fortigate: 'fortinet_fortigate',
  aoscx: 'aruba_aoscx',
  vyos: 'vyos',
} as const satisfies Record<string, string>;

export function pluginKeyForModel(model: string): string | undefined {
  const byModel: Readonly<Record<string, string>> = pluginKeyByOxidizedModel;
  return Object.hasOwn(byModel, model) ? byModel[model] : undefined;
}
