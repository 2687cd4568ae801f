/**
 * Centec / Lenovo CNOS switches (Lenovo ThinkSystem NE/G8272, Centec V580/V350). Same commands and stored bytes
 * as Oxidized's `cnos` model: version (without uptime) and transceivers as `! ` comments, then the running
 * config without blank and `#`-only lines.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const lenovoCnosPlugin = defineShellPlugin({
  key: 'lenovo_cnos',
  oxidizedModel: 'cnos',
  friendlyName: 'Lenovo / Centec CNOS',
  description: 'Running config plus version and transceivers, over an SSH shell.',
  // Oxidized's default prompt: `switch#`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  // Stray carriage returns, then the echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output.replace(/\r/g, '')),
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Local user and enable passwords.
      .replace(rb(/^(username .+ (password|secret) \d) .+/g), '$1 <secret hidden>')
      // Enable passwords and secrets.
      .replace(rb(/^(enable (password|secret)( level \d+)?( \d)?) .+/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: `password encrypted <hash>` (Lenovo's form) and RADIUS/TACACS+ keys it leaves.
      .replace(rb(/^(username .+ (?:password|secret) encrypted) (?!<)\S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ keys.
      .replace(rb(/^((?:radius|tacacs)-server (?:host \S+ .*)?key(?: \d)?) (?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      // The uptime line.
      clean: (output, { comment }) => comment(rejectLines(output, [/ uptime is /])),
    },
    { command: 'show transceiver', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      // Blank lines and lines of only `#` (or NULs).
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is among the characters Oxidized drops.
      clean: (output) => rejectLines(output, [/^[\r\n\s\u0000#]+$/]),
    },
  ],
});
