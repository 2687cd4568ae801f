/**
 * Cisco NAM / NGA appliances (Network Analysis Module, Prime NAM). Same commands and stored bytes as Oxidized's
 * `cisconga` model: the version as `# ` comments, then the configuration (echoes and prompts kept).
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoNgaPlugin = defineShellPlugin({
  key: 'cisco_nga',
  oxidizedModel: 'cisconga',
  friendlyName: 'Cisco NAM / NGA',
  description: 'Configuration plus version, over an SSH shell.',
  // `nam.example.com#`.
  prompt: rb(/([\w.@-]+[#>]\s?)$/),
  commentPrefix: '# ',
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  // Oxidized's `cisconga` hides nothing; ours: SNMP communities and local user passwords.
  maskSecrets: (output) =>
    output
      // SNMP communities.
      .replace(rb(/^(\s*snmp community) \S+/g), '$1 <secret hidden>')
      // Local user passwords and secrets.
      .replace(rb(/^(\s*(?:password|secret))\s+(?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show configuration' },
  ],
});
