/**
 * SmartByte / SmartOptics STC switches. Same commands and stored bytes as Oxidized's `smartbyte` model: the
 * running config, then version, optics and power as `! ` comments.
 */
import { cutTail, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const smartbytePlugin = defineShellPlugin({
  key: 'smartbyte_os',
  oxidizedModel: 'smartbyte',
  friendlyName: 'SmartByte',
  description: 'Running config plus version, transceivers and power supplies, over an SSH shell.',
  // Oxidized's default prompt (the model sets none).
  prompt: /^([\w.@-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  options: [enableOption],
  login: enableLogin('enable', /^[pP]assword:/),
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  // Carriage returns, and the trailing prompt (the echo stays, as in Oxidized's stored configs).
  cleanAll: (output) => cutTail(output.replace(rb(/\r/g), '')),
  maskSecrets: (output) =>
    output
      // The community named in an SNMP group.
      .replace(rb(/group (\S+) v2c/g), 'group <hidden> v2c')
      // SNMP communities.
      .replace(rb(/community (\S+)/g), 'community <hidden>'),
  commands: [
    { command: 'show running-config' },
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    {
      command: 'show interface optical-transceiver info',
      // The current-alarm box, whose contents change with the optics' live state.
      clean: (output, { comment }) =>
        comment(
          output.replace(rb(/^\|Transceiver current alarm information: {11}\|\s+\+-{49}\+.*?\s+\+-{49}\+\s+/gs), ''),
        ),
    },
    { command: 'show power', clean: (output, { comment }) => comment(output) },
  ],
});
