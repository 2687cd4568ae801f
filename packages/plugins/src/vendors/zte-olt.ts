/**
 * ZTE ZXA10 OLTs (C300, C320; firmware 1.2 and 2.1). Same commands and stored bytes as Oxidized's `zteolt`
 * model: running version and patches as `! ` comments, then the running config without its write timestamp.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const zteOltPlugin = defineShellPlugin({
  key: 'zte_olt',
  oxidizedModel: 'zteolt',
  friendlyName: 'ZTE ZXA10 OLT (C300/C320)',
  description: 'Running config plus running version and patches, over an SSH shell.',
  // `OLT-C320#`, `olt1(config)#`.
  prompt: rb(/^([\w.@()-]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^Username:/i), password: rb(/^Password:/i) },
  options: [enableOption],
  login: enableLogin('enable', rb(/^[pP]assword:/)),
  postLogin: ['terminal length 0'],
  // Out of privileged mode, then the session.
  logout: ['disable', 'exit'],
  cleanAll: (output) =>
    // Errors of commands some releases lack, then the echo and the trailing prompt.
    cutBoth(output.replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/g), '')),
  maskSecrets: (output) =>
    output
      // SNMP communities and TACACS+ keys.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // TACACS+ keys.
      .replace(rb(/^(tacacs-server (.+ )?key) .+/g), '$1 <secret hidden>')
      // Whole `username … privilege N <password>` lines, and enable passwords.
      .replace(rb(/^username (\S+) privilege (\d+) (\S+).*/g), '<secret hidden>')
      // Enable passwords.
      .replace(rb(/^(enable (password|secret)( level \d+)? \d) .+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version-running', clean: (output, { comment }) => comment(output) },
    { command: 'show patch-running', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      // When the config was last written.
      clean: (output) => output.replace(rb(/^timestamp_write: .*\n/g), ''),
    },
  ],
});
