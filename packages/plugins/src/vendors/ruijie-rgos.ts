/**
 * Ruijie Networks RGOS switches and routers. Same commands and stored bytes as Oxidized's `rgos` model:
 * version (without start time and uptime) as `! ` comments, then the running config without its header and
 * blank lines.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ruijieRgosPlugin = defineShellPlugin({
  key: 'ruijie_rgos',
  oxidizedModel: 'rgos',
  friendlyName: 'Ruijie RGOS',
  description: 'Running config plus version, over an SSH shell.',
  // Oxidized's default prompt: `Ruijie#`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  postLogin: ['terminal length 0', 'terminal width 0'],
  logout: ['exit'],
  maskSecrets: (output) =>
    output
      // SNMP communities.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Local user and enable passwords.
      .replace(rb(/^(username .+ (password|secret) \d) .+/g), '$1 <secret hidden>')
      // Enable passwords and secrets.
      .replace(rb(/^(enable (password|secret)( level \d+)?( \d)?) .+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      // Start time and uptime, then the echo and the prompt.
      clean: (output, { comment }) =>
        comment(`${cutBoth(rejectLines(output, [/^System start time/, /^\s*System uptime/]))}\n`),
    },
    {
      command: 'show running-config',
      // The build notice, size and version lines, and blank or `#`-only lines; then the echo and the prompt.
      clean: (output) =>
        cutBoth(
          rejectLines(output, [
            /^Building configuration.../,
            /^Current configuration : \d+ bytes/,
            /^version [\d\w()]+/,
            // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is among the characters Oxidized drops.
            /^[\r\n\s\u0000#]+$/,
          ]),
        ),
    },
  ],
});
