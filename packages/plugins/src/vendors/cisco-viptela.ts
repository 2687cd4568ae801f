/**
 * Cisco SD-WAN (Viptela) vEdge, vSmart, vBond and vManage on Viptela OS. Same commands and stored bytes as
 * Oxidized's `viptela` model: the running config, then the version as `! ` comments.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoViptelaPlugin = defineShellPlugin({
  key: 'cisco_viptela',
  oxidizedModel: 'viptela',
  friendlyName: 'Cisco SD-WAN (Viptela OS)',
  description: 'Running config plus version, over an SSH shell.',
  // `vedge-01# `.
  prompt: rb(/[-\w]+#\s$/),
  commentPrefix: '! ',
  postLogin: ['paginate false'],
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => linesOf(output).slice(1, -1).join(''),
  maskSecrets: (output) =>
    output
      // Secret keys (indented) and every password, auth and priv password, to the end of the line.
      .replace(rb(/(^\s+secret-key|password|auth-password|priv-password)\s+.*$/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/(^\s+community)\s.*$/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show running-config' },
    { command: 'show version', clean: (output, { comment }) => comment(output) },
  ],
});
