/**
 * Broadcom Enhanced Fabric OS (EFOS: NetApp BES/Cisco cluster switches). Same commands and stored bytes as
 * Oxidized's `efos` model: boot variables and optics as `! ` comments, then the running config.
 */
import { cutBoth, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const broadcomEfosPlugin = defineShellPlugin({
  key: 'broadcom_efos',
  oxidizedModel: 'efos',
  friendlyName: 'Broadcom EFOS',
  description: 'Running config plus boot variables and optical transceivers, over an SSH shell.',
  prompt: /^([\w.@()-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  options: [enableOption],
  login: enableLogin(),
  postLogin: ['terminal length 0'],
  logout: ['logout'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  commands: [
    { command: 'show bootvar', clean: (output, { comment }) => comment(output) },
    { command: 'show fiber-ports optical-transceiver-info all', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      // Clock and uptime lines the switch prints inside its config: they change on every run.
      clean: (output) =>
        rejectLines(output, ['System Up Time', 'Current System Time:', 'Current SNTP Synchronized Time:']),
    },
  ],
});
