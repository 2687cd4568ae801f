/**
 * Cisco Secure Email and Web Manager (Security Management Appliance, SMA M-series). Same commands and stored
 * bytes as Oxidized's `ciscosma` model: `version` as `! ` comments, then the XML from `showconfig` with
 * passwords masked by the appliance, the question and the 80-column wrapping taken out. Oxidized keeps echoes
 * and prompts here.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** `sma.example.com> `: a host name with at least two dots. */
const prompt = rb(/^\r*([-\w. ]+\.[-\w. ]+\.[-\w. ]+[#>]\s+)$/);

export const ciscoSmaPlugin = defineShellPlugin({
  key: 'cisco_sma',
  oxidizedModel: 'ciscosma',
  friendlyName: 'Cisco Secure Email and Web Manager (SMA)',
  description: 'showconfig XML plus version, over an SSH shell.',
  prompt,
  commentPrefix: '! ',
  expects: [
    // showconfig asks whether to mask passwords: yes (the question's end is dropped, its start stays).
    { pattern: rb(/using loadconfig command\. \[Y\]>/), send: 'y\n' },
    // The pager: any key for more.
    { pattern: rb(/-Press Any Key For More-+.*$/), send: ' ' },
  ],
  logout: ['exit'],
  // Oxidized's `ciscosma` hides nothing (the appliance masks passwords); ours: any password, passphrase, shared
  // secret or community element it still prints.
  maskSecrets: (output) =>
    output.replace(
      rb(/(<(?:encrypted_password|password|passphrase|shared_secret|secret|community)>)(?!\*+<)[^<]+(<\/)/g),
      '$1<secret hidden>$2',
    ),
  commands: [
    { command: 'version', clean: (output, { comment }) => comment(output) },
    {
      command: 'showconfig',
      clean: (output) =>
        output
          // The start of the mask question, and the `y` typed to it.
          .replaceAll('Do you want to mask the password? Files with masked passwords cannot be loaded', '')
          // The `y` typed to the question.
          .replace(rb(/^\s+y/g), '')
          // Line continuations of the 80-column display, then the padding after wrapped words.
          .replace(rb(/\n\s{25}/g), '')
          // The padding after wrapped words.
          .replace(rb(/([/\-,.\w><@]+)(\s{27})/g), '$1')
          // Words the display put six to eight spaces apart go back on lines of their own.
          .replace(rb(/([/\-,.\w><@]+)(\s{6,8})([/\-,.\w><@]+)/g), '$1\n$2$3')
          // The prompt lines.
          .replace(rb(/^\r*([-\w. ]+\.[-\w. ]+\.[-\w. ]+[#>]\s+)$/g), ''),
    },
  ],
});
