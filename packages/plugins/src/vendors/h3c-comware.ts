/**
 * H3C Comware (and HPE Comware-based switches). Same commands and stored bytes as Oxidized's `h3c` model:
 * version and device inventory as `# ` comments, then the current configuration.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const h3cComwarePlugin = defineShellPlugin({
  key: 'h3c_comware',
  oxidizedModel: 'h3c',
  friendlyName: 'H3C Comware',
  description: 'Current configuration plus version and device inventory, over an SSH shell.',
  prompt: /^[<[][\w.-]+[>\]]$/m,
  commentPrefix: '# ',
  postLogin: ['screen-length disable'],
  logout: ['quit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets: (output) =>
    output
      // The SIM PIN of a cellular interface.
      .replace(rb(/(pin verify (?:auto|)).*/g), '$1 <PIN hidden>')
      // Comware's reversible `%^%#…%^%#` cipher text (passwords, keys, communities).
      .replace(rb(/(%\^%#.*%\^%#)/g), '<secret hidden>'),
  commands: [
    {
      command: 'display version',
      // Uptime lines, which change on every run.
      clean: (output, { comment }) => comment(rejectLines(output, [/uptime/, /Uptime is/])),
    },
    { command: 'display device', clean: (output, { comment }) => comment(output) },
    { command: 'display current-configuration' },
  ],
});
