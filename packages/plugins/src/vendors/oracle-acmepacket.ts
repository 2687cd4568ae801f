/**
 * Oracle (Acme Packet) session border controllers: AP 1100/3900/4600/6300/6350, VME. Same commands and stored
 * bytes as Oxidized's `acmepacket` model: each output under a `! COMMAND:` line; the version as `! ` comments,
 * then the running config.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const oracleAcmepacketPlugin = defineShellPlugin({
  key: 'oracle_acmepacket',
  oxidizedModel: 'acmepacket',
  friendlyName: 'Oracle Acme Packet SBC',
  description: 'Running config plus version, over an SSH shell.',
  // `sbc-01#`, `sbc-01(configure)#`.
  prompt: rb(/^\r*([\w.@()-/]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { password: rb(/^Password:/i) },
  options: [enableOption],
  login: enableLogin('enable', rb(/^[pP]assword:/)),
  logout: ['exit', 'exit'],
  // A `! COMMAND: <command>` header, then the output without the echo and the trailing prompt.
  cleanAll: (output, { comment, command }) => comment(`COMMAND: ${command}\n`) + cutBoth(output),
  // Oxidized's `acmepacket` hides nothing; ours: RADIUS and TACACS+ secrets, SNMP communities and passwords.
  maskSecrets: (output) =>
    output.replace(rb(/^(\s*(?:secret|shared-secret|community-name|password|key))\s+(?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show running-config' },
  ],
});
