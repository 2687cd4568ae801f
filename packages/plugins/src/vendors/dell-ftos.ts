/**
 * Force10 / Dell FTOS (S-series, E-series, C-series; releases before Dell Networking OS9). Same commands and
 * stored bytes as Oxidized's `ftos` model: inventory and optics as `! ` comments, then the running config
 * without its header. (OS9 is `dell_dnos`.)
 */
import { cutBoth, cutHead, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const dellFtosPlugin = defineShellPlugin({
  key: 'dell_ftos',
  oxidizedModel: 'ftos',
  friendlyName: 'Force10 FTOS',
  description: 'Running config plus inventory and optics, over an SSH shell.',
  // Oxidized's default prompt: `FTOS#`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^Login:/), password: rb(/^Password:/) },
  options: [enableOption],
  // Oxidized's order: the terminal settings, then `enable` and its password typed blind (we wait for the prompt
  // after the password so its answer cannot be read as the first command's).
  async login({ run, send, target }) {
    await run('terminal length 0');
    await run('terminal width 0');
    await enterEnableBlind({ run, send, target });
  },
  logout: ['exit'],
  // The echo, the line after it, and the trailing prompt.
  cleanAll: (output) => cutBoth(output, 2, 1),
  maskSecrets: (output) =>
    output
      // SNMP communities.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Secrets (with their type digit kept) and password hashes.
      .replace(rb(/(secret \d* {0,1})\S+(.*)/g), '$1<secret hidden>$2')
      // Password hashes.
      .replace(rb(/(password \d+) \S+(.*)/g), '$1 <hash hidden>$2')
      // Trap hosts' communities and RADIUS keys.
      .replace(rb(/(^snmp-server.*version \S+) \S+(.*)/g), '$1 <community removed>$2')
      // RADIUS keys.
      .replace(rb(/(^radius-server.*key \d )\S+/g), '$1<hash hidden>'),
  commands: [
    // Old releases can print bytes that are not UTF-8; Oxidized drops them (we decode them as U+FFFD).
    {
      command: 'show inventory',
      clean: (output, { comment }) => comment(output.replaceAll('\ufffd', '')),
    },
    { command: 'show inventory media', clean: (output, { comment }) => comment(output) },
    // Without the header lines.
    { command: 'show running-config', clean: (output) => cutHead(output, 3) },
  ],
});
