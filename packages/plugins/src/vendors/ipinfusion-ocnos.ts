/**
 * IP Infusion OcNOS switches and routers. Same commands and stored bytes as Oxidized's `ocnos` model: version,
 * FRUs, board info, forwarding profile limits and licences as `# ` comments, then the running config.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin } from '../runtime/shell-plugin.js';

const asComment = (output: string, { comment }: CleanTools) => comment(output);

export const ipinfusionOcnosPlugin = defineShellPlugin({
  key: 'ipinfusion_ocnos',
  oxidizedModel: 'ocnos',
  friendlyName: 'IP Infusion OcNOS',
  description: 'Running config plus version, FRUs, board info, forwarding limits and licences, over an SSH shell.',
  // `OcNOS#`, `leaf1>`.
  prompt: rb(/([\w.@-]+[#>]\s?)$/),
  commentPrefix: '# ',
  postLogin: ['terminal length 0'],
  // Out of privileged mode, then the session (CR-terminated, as in Oxidized).
  logout: ['disable\r', 'logout\r'],
  // The echo and the trailing prompt.
  cleanAll: (output) => linesOf(output).slice(1, -1).join(''),
  // Oxidized's `ocnos` hides nothing; ours: user password hashes, SNMP communities and RADIUS/TACACS+ keys.
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/^(username \S+ (?:role \S+ )?password(?: encrypted)?) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ keys.
      .replace(rb(/^((?:radius|tacacs)-server (?:\S+ )*key(?: \d)?) \S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version', clean: asComment },
    { command: 'show system fru', clean: asComment },
    { command: 'show system-information board-info', clean: asComment },
    { command: 'show forwarding profile limit', clean: asComment },
    { command: 'show license', clean: asComment },
    { command: 'show running-config' },
  ],
});
