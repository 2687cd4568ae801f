/**
 * V-SOL GPON OLTs (V1600G series). Same commands and stored bytes as Oxidized's `vsololt` model: version
 * and PON transceivers as `! ` comments, then the running config, without the log events the OLT prints
 * into the session.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const vsolOltPlugin = defineShellPlugin({
  key: 'vsol_olt',
  oxidizedModel: 'vsololt',
  friendlyName: 'V-SOL GPON OLT',
  description: 'Running config plus version and PON transceivers, over an SSH shell.',
  // `host>`, `host#`, `host(config)#`; host names hold `|`, `.`, `/` and `-`.
  prompt: /^([\w.@|()/-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  // The ` --More-- ` pager line and its trailing NUL (not the newline before it): space for more.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what the device sends.
  expects: [{ pattern: / *--More-- *\x00?/, send: ' ' }],
  // The show commands need enable and config mode; the enable password defaults to the login password.
  async login({ run, target }) {
    await run('enable', /[pP]assword:\s*$/);
    await run(target.enablePassword || target.password, /[#>]\s*$/);
  },
  postLogin: ['configure terminal'],
  logout: ['end', 'exit'],
  cleanAll(output) {
    const cleaned = output
      // Log events (`YYYY/MM/DD HH:MM:SS …`) the OLT prints into the session and cannot be told not to.
      .replace(rb(/^\d{4}\/\d{2}\/\d{2}\s+\d{2}:\d{2}:\d{2}\s+.*$\n?/g), '')
      // The 10 backspaces, spaces and backspaces that erase the pager prompt.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what the OLT sends.
      .replace(rb(/\x08{10}\x20{10}\x08{10}/g), '')
      // A NUL left behind by the pager.
      .replace(rb(/\0/g), '');
    // The command echo and the trailing prompt.
    return cutBoth(cleaned);
  },
  maskSecrets: (output) =>
    output
      // SNMP communities, in community and host statements alike.
      .replace(rb(/^(snmp-server .*community) \S+/g), '$1 <secret hidden>')
      // OLT account login and enable passwords.
      .replace(rb(/(login-password)\s+\S+/g), '$1 <secret hidden>')
      // Enable passwords.
      .replace(rb(/(enable-password)\s+\S+/g), '$1 <secret hidden>')
      // ONU web account passwords (admin, then user).
      .replace(rb(/(username \S+ enable \S+)\s+\S+/g), '$1 <secret hidden>')
      // ONU user account passwords.
      .replace(rb(/(user_control enable \S+)\s+\S+/g), '$1 <secret hidden>')
      // ONU Wi-Fi pre-shared keys.
      .replace(rb(/(shared_key)\s+\S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show pon transceiver-info all', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      // Blank lines left where log events were removed (the config separates sections with `!`).
      clean: (output) => output.replace(rb(/(?:\r?\n[ \t]*){2,}/g), '\n'),
    },
  ],
});
