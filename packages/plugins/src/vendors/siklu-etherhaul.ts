/**
 * Siklu EtherHaul millimetre-wave radios. Same commands and stored bytes as Oxidized's `siklu` model: the
 * first line of the startup configuration (its save stamp), then the running configuration.
 */
import { linesOf } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const sikluEtherhaulPlugin = defineShellPlugin({
  key: 'siklu_etherhaul',
  oxidizedModel: 'siklu',
  friendlyName: 'Siklu EtherHaul',
  description: 'Running configuration plus the startup configuration stamp, over an SSH shell.',
  // Host names may hold spaces, dots, quotes and parentheses; some firmware draws a CR before the prompt.
  prompt: /^[\^M\s]{0,}[\w\-\s."()]+>$/m,
  commentPrefix: '# ',
  logout: ['exit'],
  commands: [
    {
      command: 'copy startup-configuration display',
      // Only the line after the echo and the blank line: the rest repeats the running configuration.
      clean: (output) => linesOf(output).slice(2, 3).join(''),
    },
    {
      command: 'copy running-configuration display',
      // The echo, the blank line and the banner line, and the trailing prompt.
      clean: (output) => linesOf(output).slice(3, -1).join(''),
    },
  ],
});
