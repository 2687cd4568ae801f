/**
 * Cisco UCS Manager on the Fabric Interconnects (UCS 6200/6300/6400). Same commands and stored bytes as
 * Oxidized's `ucs` model: version, chassis and fabric interconnects as `! ` comments, then the full
 * configuration. Oxidized keeps echoes and prompts here.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoUcsPlugin = defineShellPlugin({
  key: 'cisco_ucs',
  oxidizedModel: 'ucs',
  friendlyName: 'Cisco UCS Manager (Fabric Interconnect)',
  description: 'Full configuration plus version, chassis and fabric interconnects, over an SSH shell.',
  // `UCS-FI-A#`, `ucs-fi-b(nxos)#`.
  prompt: rb(/^(\r?[\w.@_()-]+#\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^login:/), password: rb(/^Password:/) },
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  // Oxidized's `ucs` hides nothing; ours: password and key values of `set password`/`set key`/SNMP community.
  maskSecrets: (output) =>
    output
      // Passwords, keys and communities set with `set`.
      .replace(rb(/^(\s*set (?:password|key|community|auth-password|priv-password|pwd)) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(\s*set snmp community) \S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version brief', clean: (output, { comment }) => comment(output) },
    { command: 'show chassis detail', clean: (output, { comment }) => comment(output) },
    { command: 'show fabric-interconnect detail', clean: (output, { comment }) => comment(output) },
    { command: 'show configuration all | no-more' },
  ],
});
