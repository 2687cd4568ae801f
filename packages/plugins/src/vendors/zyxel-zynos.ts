/**
 * Zyxel ZyNOS switches (GS1900/GS2210/XGS3700, MGS/SAM DSLAMs). Same commands and stored bytes as Oxidized's
 * `zynos` model: version and system information as `! ` comments, then the running config.
 */
import { rb, splitLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const vt100 = /\x1b\[\??\d+(?:;\d+)*[A-Za-z]/;

export const zyxelZynosPlugin = defineShellPlugin({
  key: 'zyxel_zynos',
  oxidizedModel: 'zynos',
  friendlyName: 'Zyxel ZyNOS switch',
  description: 'Running config plus version and system information, over an SSH shell.',
  // `GS2210#`, `sw-access-01>`.
  prompt: rb(/^([\w.@()\-<]+[#>]\s?)$/),
  commentPrefix: '! ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^User name:/i), password: rb(/^Password:/i) },
  expects: [
    // "Next line" drawn as delete-line / cursor move / insert-line, or as `ESC E`: becomes a newline.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
    { pattern: /(\x1b\[1M\x1b\[\??\d+(;\d+)*[A-Za-z]\x1b\[1L)|(\x1bE)/g, replaceWith: '\n' },
    // Every other VT100 control sequence.
    { pattern: new RegExp(vt100.source, 'g') },
    // A copyright banner line right before the prompt: dropped with everything read so far, and a backslash
    // and `n` typed, exactly as Oxidized's `send '\n'` (single-quoted in Ruby) does.
    { pattern: rb(/[\s\S]*^(Copyright .*)\n^([\w.@()\-<]+[#>]\s?)$[\s\S]*/), send: '\\n' },
  ],
  options: [enableOption],
  login: enableLogin('enable', rb(/^[pP]assword:/)),
  logout: ['exit'],
  cleanAll: (output) =>
    // A carriage return starting a line, and VT100 sequences older switches send over telnet.
    output.replace(rb(/^\r/g), '').replace(new RegExp(vt100.source, 'g'), ''),
  maskSecrets: (output) =>
    output
      // SNMP read and write communities.
      .replace(rb(/^(snmp-server get-community) \S+(.*)/g), '$1 <secret hidden> $2')
      // Write communities.
      .replace(rb(/^(snmp-server set-community) \S+(.*)/g), '$1 <secret hidden> $2')
      // Local users: name and password.
      .replace(rb(/^(logins username) \S+(.*) (password) \S+(.*)/g), '$1 <secret hidden> $2 $3 <secret hidden> $4')
      // The admin and privilege passwords.
      .replace(rb(/^(admin-password) \S+(.*)/g), '$1 <secret hidden> $2')
      // Privilege passwords.
      .replace(rb(/^(password) \S+(.*) (privilege \S+)/g), '$1 <secret hidden> $2 $3'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    {
      command: 'show system-information',
      // The uptime.
      clean: (output, { comment }) =>
        comment(output.replace(rb(/^([Ss]ystem up [Tt]ime\s*:)(.*)/g), '$1 <time removed>')),
    },
    {
      command: 'show running-config',
      // Without the echo and the three header lines, nor the prompt; no final newline, as in Oxidized.
      clean: (output) => splitLines(output).slice(4, -1).join('\n'),
    },
  ],
});
