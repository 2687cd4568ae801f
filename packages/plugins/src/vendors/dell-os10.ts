/**
 * Dell EMC SmartFabric OS10 switches (S41xx, S52xx, Z9xxx PowerSwitch). Same commands and stored bytes as
 * Oxidized's `os10` model: inventory and optics as `! ` comments, then the running configuration without its
 * version and last-change header.
 */
import { cutBoth, cutHead, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const dellOs10Plugin = defineShellPlugin({
  key: 'dell_os10',
  oxidizedModel: 'os10',
  friendlyName: 'Dell EMC OS10',
  description: 'Running configuration plus inventory and optics, over an SSH shell.',
  // Oxidized's default prompt: `OS10#` (or `>`).
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^Login:/), password: rb(/^Password:/) },
  options: [enableOption],
  // Oxidized types `enable` and then the password without waiting for the password prompt.
  login: enterEnableBlind,
  postLogin: ['terminal length 0'],
  logout: ['exit', 'exit'],
  cleanAll: (output) =>
    // Error lines of commands that some platforms lack, then the echo, the blank line after it, and the prompt.
    cutBoth(output.replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/g), ''), 2, 1),
  maskSecrets: (output) =>
    output
      // Ours, before Oxidized's rule (which would take the type digit for the secret): `password 9 <key>`.
      .replace(rb(/(password \d) \S+/g), '$1 <secret hidden>')
      // Local user password hashes (`username admin password $6$…`).
      .replace(rb(/(password )(\S+)/g), '$1<secret hidden>')
      // Ours, after Oxidized's rule: SNMP communities, RADIUS/TACACS+ keys and SNMPv3 keys it leaves.
      // SNMP communities.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ host keys.
      .replace(rb(/^((?:radius|tacacs)-server host \S+(?: .*)? key(?: \d)?) \S+/g), '$1 <secret hidden>')
      // SNMPv3 auth keys.
      .replace(rb(/( auth (?:md5|sha)) \S+/g), '$1 <secret hidden>')
      // SNMPv3 privacy keys.
      .replace(rb(/( priv (?:des|aes)) \S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show inventory', clean: (output, { comment }) => comment(output) },
    { command: 'show inventory media', clean: (output, { comment }) => comment(output) },
    // Without the `! Version`, `! Last configuration change` and `!` header lines.
    { command: 'show running-configuration', clean: (output) => cutHead(output, 3) },
  ],
});
