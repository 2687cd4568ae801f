/**
 * Netonix WISP switches (WS-series). Same commands and stored bytes as Oxidized's `netonix` model: the JSON
 * configuration from the Linux command line.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const netonixWispPlugin = defineShellPlugin({
  key: 'netonix_wisp',
  oxidizedModel: 'netonix',
  friendlyName: 'Netonix WISP switch',
  description: 'config.json, over an SSH shell.',
  // `WS-12-250-DC#`, `Netonix(cmdline)#`.
  prompt: rb(/^[\w\s().@_/:-]+#/),
  commentPrefix: '# ',
  // The Linux command line of the switch's CLI.
  postLogin: ['cmdline'],
  logout: ['exit', 'exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `netonix` hides nothing; ours: password, community, secret and key values of the JSON.
  maskSecrets: (output) =>
    output.replace(
      rb(/("(?:[\w.]*[Pp]assword|[\w.]*[Cc]ommunity|[\w.]*[Ss]ecret|[\w.]*[Kk]ey)"\s*:\s*)"[^"]*"/g),
      '$1"<secret hidden>"',
    ),
  commands: [{ command: 'cat config.json;echo' }],
});
