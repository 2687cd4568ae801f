/**
 * Fortinet Wireless LAN Controllers (FortiWLC, formerly Meru). Same commands and stored bytes as Oxidized's
 * `fortiwlc` model: each output under a `# COMMAND:` line with its config-file version masked; controller,
 * access points and the running config, all as `# ` comments.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin } from '../runtime/shell-plugin.js';

const asComment = (output: string, { comment }: CleanTools) => comment(output);

export const fortinetFortiwlcPlugin = defineShellPlugin({
  key: 'fortinet_fortiwlc',
  oxidizedModel: 'fortiwlc',
  friendlyName: 'Fortinet FortiWLC (Meru)',
  description: 'Running config plus controller and access points, over an SSH shell.',
  // `fwlc-01#`, `fwlc-01(15)#`.
  prompt: rb(/^([-\w./:?[\]()]+[#>]\s?)$/),
  commentPrefix: '# ',
  logout: ['exit\n'],
  // A `# COMMAND: <command>` header, then the output without echo and prompt, its config-file version masked.
  cleanAll: (output, { comment, command }) =>
    comment(`COMMAND: ${command}\n`) +
    linesOf(output)
      .slice(1, -1)
      .map((line) => line.replace(rb(/(conf_file_ver=)(.*)/g), '$1<stripped>'))
      .join(''),
  // Oxidized's `fortiwlc` hides nothing; ours: ESS pre-shared keys, RADIUS secrets and SNMP communities.
  maskSecrets: (output) =>
    output.replace(rb(/^(\s*(?:psk key|secret|radius-secret|community))\s+(?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show controller', clean: asComment },
    { command: 'show ap', clean: asComment },
    { command: 'show running-config', clean: asComment },
  ],
});
