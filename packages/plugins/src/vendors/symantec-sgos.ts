/**
 * Symantec (Blue Coat) ProxySG on SGOS. Same commands and stored bytes as Oxidized's `sgos` model: licences and
 * general info as `!- ` comments, then the expanded configuration with keyrings, unencrypted.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const symantecSgosPlugin = defineShellPlugin({
  key: 'symantec_sgos',
  oxidizedModel: 'sgos',
  friendlyName: 'Symantec / Blue Coat ProxySG (SGOS)',
  description: 'Expanded configuration with keyrings plus licences and general info, over an SSH shell.',
  // Oxidized's `\w+>|#` (anywhere); anchored here at the end of the last line, which holds every real prompt
  // (`proxysg>`, `proxysg#`) and keeps a `#` inside output from ending a command early.
  prompt: /(?:\w+>|#)\s*$/,
  commentPrefix: '!- ',
  expects: [
    // The pager: press space and drop the marker.
    { pattern: /--More--/, send: ' ' },
  ],
  options: [enableOption],
  // Oxidized types `enable` and then the password without waiting for the password prompt.
  login: enterEnableBlind,
  logout: ['exit'],
  // The echo, then the blank line and the prompt at the end.
  cleanAll: (output) => linesOf(output).slice(1, -2).join(''),
  maskSecrets: (output) =>
    output
      // Enable and console password hashes.
      .replace(rb(/^(security hashed-enable-password).*/g), '$1 <secret hidden>')
      // Console password hashes.
      .replace(rb(/^(security hashed-password).*/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show licenses', clean: (output, { comment }) => comment(output) },
    { command: 'show general', clean: (output, { comment }) => comment(output) },
    {
      command: 'show configuration expanded noprompts with-keyrings unencrypted',
      clean: (output) =>
        output
          // The local time, and the archive/download passwords (always, as in Oxidized; the lines stay empty).
          .replace(rb(/^(!- Local time).*/g), '')
          // Archive encrypted passwords.
          .replace(rb(/^(archive-configuration encrypted-password).*/g), '')
          // Download encrypted passwords.
          .replace(rb(/^(download encrypted-password).*/g), ''),
    },
  ],
});
