/**
 * Radware Alteon application delivery controllers (AlteonOS). Same commands and stored bytes as Oxidized's
 * `alteonos` model: `cfg/dump` without its timestamps, version and private-key notices, echo and prompt
 * included as Oxidized keeps them; the dump's questions are answered `n`.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const radwareAlteonPlugin = defineShellPlugin({
  key: 'radware_alteon',
  oxidizedModel: 'alteonos',
  friendlyName: 'Radware Alteon',
  description: 'Configuration dump, over an SSH shell.',
  // `>> Main# `, `>> Configuration# `.
  prompt: rb(/^\(?.+\)?\s?[#>]/),
  commentPrefix: '! ',
  expects: [
    // The dump's questions (private keys, peer sync, unsaved changes): no.
    { pattern: rb(/^Display private keys\?\s?\[y\/n\]: $/), send: 'n\r' },
    { pattern: rb(/^Confirm Sync to Peer\s?\[y\/n\]: $/), send: 'n\r' },
    { pattern: rb(/^(WARNING: There are unsaved configuration changes).*/), send: 'n\r' },
  ],
  logout: ['exit'],
  maskSecrets: (output) =>
    output
      // Administrator, user and enable passwords.
      .replace(rb(/^([\s\t]*admpw ).*/g), '$1 <password removed>')
      // User passwords.
      .replace(rb(/^([\s\t]*pswd ).*/g), '$1 <password removed>')
      // Enable passwords.
      .replace(rb(/^([\s\t]*esecret ).*/g), '$1 <password removed>'),
  commands: [
    {
      command: 'cfg/dump',
      clean: (output) =>
        output
          // Dump, apply and save times; the version and base MAC; the private-key notices.
          .replace(rb(/^([\s\t/*]*Configuration).*/g), '')
          // The version and base MAC line.
          .replace(rb(/^([\s\t/*]*Version).*/g), '')
          // The private-key notice.
          .replace(rb(/^([\s\t/*]*To restore ).*/g), '')
          // Its second line.
          .replace(rb(/^([\s\t/*]*it is recommended to include).*/g), '')
          // Its third line.
          .replace(rb(/^([\s\t/*]*to include ).*/g), ''),
    },
  ],
});
