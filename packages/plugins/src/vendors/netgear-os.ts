/**
 * Netgear managed switches (ProSAFE / M-series CLI). Same commands and stored bytes as Oxidized's `netgear`
 * model: each command's output under a `!COMMAND:` line, version and boot variables commented.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption, escapeCodesExpect } from '../runtime/shell-plugin.js';

export const netgearPlugin = defineShellPlugin({
  key: 'netgear_os',
  oxidizedModel: 'netgear',
  friendlyName: 'Netgear managed switch',
  description: 'Running config plus version and boot variables, over an SSH shell.',
  prompt: /^\(?[\w \-+.]+\)? ?[#>] ?$/m,
  commentPrefix: '!',
  options: [enableOption],
  expects: [
    escapeCodesExpect,
    // The pager of `show version` on old models: space for more.
    { pattern: rb(/^--More--(?: or \(q\)uit)?$/), send: ' ' },
  ],
  login: enableLogin('enable', /[pP]assword:\s?$/),
  postLogin: ['terminal length 0'],
  // `quit` may ask whether to save unsaved changes: nothing was changed here, so no.
  logout: ['quit', 'n'],
  // A `COMMAND:` header, then the output without the command echo and the trailing prompt.
  cleanAll: (output, { comment, command }) => comment(`COMMAND: ${command}\n`) + linesOf(output).slice(1, -1).join(''),
  maskSecrets: (output) =>
    output
      // Passwords and encrypted passwords.
      .replace(rb(/password (\S+)/g), 'password <hidden>')
      // Encrypted passwords.
      .replace(rb(/encrypted (\S+)/g), 'encrypted <hidden>')
      // SNMP communities, alone or followed by access and view.
      .replace(rb(/snmp-server community (\S+)$/g), 'snmp-server community <hidden>')
      // Communities followed by access and view.
      .replace(rb(/snmp-server community (\S+) (\S+) (\S+)/g), 'snmp-server community $1 $2 <hidden>'),
  commands: [
    {
      command: 'show version',
      // The clock, which changes on every run.
      clean: (output, { comment }) => comment(output.replace(rb(/(Current Time\.+ ).*/g), '$1 <removed>')),
    },
    { command: 'show bootvar', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      clean: (output) =>
        output
          // Uptime and clocks printed in the config header.
          .replace(rb(/(System Up Time:?\s+).*/g), '$1 <removed>')
          // The SNTP clock.
          .replace(rb(/(Current SNTP Synchronized Time:).*/g), '$1 <removed>')
          // The system clock.
          .replace(rb(/(Current System Time:).*/g), '$1 <removed>')
          // Lone backspaces the CLI leaves between lines.
          // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what the device sends.
          .replace(rb(/(?:\r?\n)?\x08(?:\r?\n)?/g), '\n'),
    },
  ],
});
