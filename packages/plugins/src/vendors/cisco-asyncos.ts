/**
 * Cisco AsyncOS: Secure Email (ESA, IronPort) and Web (WSA) appliances. Same commands and stored bytes as
 * Oxidized's `asyncos` model: `version` as `! ` comments, then the XML from `showconfig` with passphrases in
 * plain text (the device's own choice 3), the menu text taken out. Oxidized keeps echoes and prompts here.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoAsyncosPlugin = defineShellPlugin({
  key: 'cisco_asyncos',
  oxidizedModel: 'asyncos',
  friendlyName: 'Cisco AsyncOS (ESA / WSA)',
  description: 'showconfig XML plus version, over an SSH shell.',
  // `(mail.example.com)> ` or `mail.example.com> `.
  prompt: /^\r*\(?[\w.\- ]+\)?[#>]\s+$/m,
  commentPrefix: '! ',
  expects: [
    // showconfig's passphrase menu (`[1]> `): 3, plain passphrases, so that the backup can be restored.
    { pattern: rb(/\[\S+\]>\s/), send: '3\n' },
    // The pager: any key for more.
    { pattern: rb(/-Press Any Key For More-+.*$/), send: ' ' },
  ],
  logout: ['exit'],
  commands: [
    { command: 'version', clean: (output, { comment }) => comment(output) },
    {
      command: 'showconfig',
      clean: (output) =>
        output
          // The passphrase menu and the answer typed to it.
          .replaceAll('Choose the passphrase option:', '')
          // The first option of the menu.
          .replace(rb(/1. Mask passphrases \(Files with masked passphrases cannot be loaded using/g), '')
          // The end of the first option, wrapped onto a line of its own.
          .replaceAll('loadconfig command)', '')
          // The second option.
          .replace(rb(/2. Encrypt passphrases/g), '')
          // The third option.
          .replace(rb(/3. Plain passphrases/g), '')
          // The `3` typed as the answer.
          .replace(rb(/^3$/g), '')
          // Line continuations of the 80-column display, then the padding after wrapped words.
          .replace(rb(/\n\s{25,26}/g), '')
          // The padding after wrapped words.
          .replace(rb(/([-\\/,.\w><@]+)(\s{25,27})/g), '$1')
          // Words the display put six spaces apart go back on lines of their own.
          .replace(rb(/([-\\/,.\w><@]+)(\s{6})([-\\/,.\w><@]+)/g), '$1\n$2$3')
          // The `(host)> ` prompt lines.
          .replace(rb(/^\r*([(][\w. ]+[)][#>]\s+)$/g), ''),
    },
  ],
});
