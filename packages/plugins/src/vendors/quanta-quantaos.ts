/**
 * Quanta QuantaOS (LB/LY switches, FASTPATH-based). Same commands and stored bytes as Oxidized's `quantaos`
 * model: the running config without its `!` comment lines.
 */
import { cutBoth, linesOf } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

export const quantaQuantaosPlugin = defineShellPlugin({
  key: 'quanta_quantaos',
  oxidizedModel: 'quantaos',
  friendlyName: 'Quanta QuantaOS',
  description: 'Running config without comment lines, over an SSH shell.',
  prompt: /^\(\S+\) (>|#)$/m,
  commentPrefix: '! ',
  options: [enableOption],
  // Privileged mode is always entered: `enable`, then the enable password or an empty line.
  async login({ run, send, target }) {
    send('enable');
    const enable = enableVar(target);
    await run(typeof enable === 'string' ? enable : '');
  },
  postLogin: ['terminal length 0'],
  // `quit` may ask whether to save: nothing was changed, so no.
  logout: ['quit', 'n'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  commands: [
    {
      command: 'show run',
      // The CLI's own comment lines (build banners, timestamps).
      clean: (output) =>
        linesOf(output)
          .filter((line) => !line.startsWith('!'))
          .join(''),
    },
  ],
});
