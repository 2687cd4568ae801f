/**
 * Keenetic (formerly Zyxel Keenetic) routers on NDMS 2 and later. Same commands and stored bytes as Oxidized's
 * `ndms` model: the version as `! ` comments, then the running config without its clock and checksum lines;
 * the `Last change:` line is left out of the significant-changes view.
 */
import { cutBoth, linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const keeneticNdmsPlugin = defineShellPlugin({
  key: 'keenetic_ndms',
  oxidizedModel: 'ndms',
  friendlyName: 'Keenetic NDMS',
  description: 'Running config plus version, over an SSH shell.',
  // `(config)>`, `Keenetic>`.
  prompt: /^([\w.@()-]+[#>]\s?)/m,
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^Login:/), password: rb(/^Password:/) },
  logout: ['exit'],
  // Oxidized's `ndms` hides nothing; ours: user password hashes, Wi-Fi keys and PPP passwords.
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/^(\s*password(?: (?:md5|nt|sha1?|sha256))?) \S+$/g), '$1 <secret hidden>')
      // Wi-Fi pre-shared keys.
      .replace(rb(/^(\s*authentication wpa-psk (?:ns3 )?)\S+/g), '$1<secret hidden>'),
  significantChanges: (config) => rejectLines(config, ['Last change:']),
  commands: [
    {
      command: 'show version',
      // The echo, then the blank line and the prompt at the end.
      clean: (output, { comment }) => comment(linesOf(output).slice(1, -2).join('')),
    },
    {
      command: 'show running-config',
      // The echo and the prompt, then the clock and checksum lines.
      clean: (output) => rejectLines(cutBoth(output), [/(clock date|checksum)/]),
    },
  ],
});
