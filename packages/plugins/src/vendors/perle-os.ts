/**
 * Perle console servers and routers (PerleOS / IOS-like CLI). Same commands and stored bytes as Oxidized's
 * `perle` model: version, hardware and transceiver identity as `! ` comments, then the running config.
 */
import { cutBoth, keepLines, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const perlePlugin = defineShellPlugin({
  key: 'perle_os',
  oxidizedModel: 'perle',
  friendlyName: 'Perle (console servers, routers)',
  description: 'Running config plus version, hardware and SFP identity, over an SSH shell.',
  prompt: /^[\w.-]+#/m,
  commentPrefix: '! ',
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  // The command echo and the trailing prompt, then the carriage returns the CLI leaves in its output.
  cleanAll: (output) => cutBoth(output).replace(rb(/\r/g), ''),
  commands: [
    { command: 'show version verbose', clean: (output, { comment }) => comment(output) },
    { command: 'show system hardware', clean: (output, { comment }) => comment(`${output}\n`) },
    {
      command: 'show interfaces transceiver',
      // Only the SFP identity: the live optical readings change on every run.
      clean: (output, { comment }) =>
        comment(`${keepLines(output, ['SFP Information', 'Vendor Name', 'Vendor Serial Number'])}\n`),
    },
    { command: 'show running-config' },
  ],
  // The TACACS+ key is re-encrypted with a fresh salt on every show: not a change of its own.
  significantChanges: (config) => rejectLines(config, [/^tacacs-server key 7 \$0\$\S+==$/]),
});
