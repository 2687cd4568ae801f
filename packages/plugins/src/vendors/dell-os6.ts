/**
 * Dell EMC Networking OS6 switches (N1100/N1500/N2000/N3000/N4000). Same commands and stored bytes as
 * Oxidized's `os6` model: version and transceivers as `! ` comments, then the running config without its
 * header. (Older PowerConnect releases are `dell_powerconnect`.)
 */
import { cutBoth, cutHead, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const dellOs6Plugin = defineShellPlugin({
  key: 'dell_os6',
  oxidizedModel: 'os6',
  friendlyName: 'Dell EMC Networking OS6 (N-series)',
  description: 'Running config plus version and transceivers, over an SSH shell.',
  // Oxidized's default prompt: `console#`, `N2048>`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^Login:/), password: rb(/^Password:/) },
  options: [enableOption],
  // Oxidized types `enable` and then the password without waiting for the password prompt.
  login: enterEnableBlind,
  postLogin: ['terminal length 0'],
  logout: ['exit', 'exit'],
  cleanAll: (output) =>
    // Error lines of commands that some models lack, then the echo, the line after it and the prompt.
    cutBoth(output.replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/g), ''), 2, 1),
  maskSecrets: (output) =>
    output
      // User and enable passwords.
      .replace(rb(/(password )(\S+)/g), '$1<secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community )\S+(.*)/g), '$1<secret hidden>$2')
      // Ours, after Oxidized's rules: RADIUS/TACACS+ keys it leaves (`key 7 "…"` on their own lines).
      .replace(rb(/^(\s*key(?: \d)?) (?!<)("[^"]*"|\S+)/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show interfaces transceiver properties', clean: (output, { comment }) => comment(output) },
    // Without the header lines.
    { command: 'show running-config', clean: (output) => cutHead(output, 3) },
  ],
});
