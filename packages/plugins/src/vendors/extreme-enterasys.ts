/**
 * Enterasys (now Extreme) SecureStack and stackable switches: B3/B5/C3/C5, A4, I3 (EOS). Same commands and
 * stored bytes as Oxidized's `enterasys` model: hardware and version as `!` comments, then the non-default
 * configuration without comments and blank lines.
 */
import { linesOf, rb, rubyRstrip } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const extremeEnterasysPlugin = defineShellPlugin({
  key: 'extreme_enterasys',
  oxidizedModel: 'enterasys',
  friendlyName: 'Enterasys SecureStack (B/C series)',
  description: 'Non-default configuration plus hardware and version, over an SSH shell.',
  // `C5(su)->`, `B3-stack-1(rw)-> `.
  prompt: rb(/^.+\w\((su|rw)\)->\s?$/),
  commentPrefix: '!',
  telnetLogin: { username: rb(/^Username:/i), password: rb(/^Password:/i) },
  expects: [
    // The pager: press space and drop its line.
    { pattern: rb(/^--More--.*$/), send: ' ' },
  ],
  logout: ['exit'],
  // The echo, the line after it, the last line and the prompt; carriage returns and trailing blanks dropped.
  cleanAll: (output) =>
    `${linesOf(output)
      .slice(2, -2)
      .map((line) => rubyRstrip(line.replace(/\r/g, '')))
      .join('\n')}\n`,
  // Oxidized's `enterasys` hides nothing; ours: SNMP communities, RADIUS/TACACS+ secrets, user passwords.
  maskSecrets: (output) =>
    output
      // SNMP communities.
      .replace(rb(/^(set snmp community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ server secrets.
      .replace(rb(/^(set (?:radius|tacacs) server \d+ \S+ \d+) \S+/g), '$1 <secret hidden>')
      // Encrypted user passwords.
      .replace(rb(/(encrypted) \S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show system hardware', clean: (output, { comment }) => comment(output) },
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    {
      command: 'show config',
      clean: (output) =>
        output
          // The non-default notice, comment lines and (anywhere) `#` remarks, then blank lines.
          .replace(rb(/^This command shows non-default configurations only./g), '')
          // The pointer to `show config all`.
          .replace(rb(/^Use 'show config all' to show both default and non-default configurations./g), '')
          // Comment lines and `#` remarks.
          .replace(rb(/^!|#.*/g), '')
          // The blank lines left behind.
          .replace(rb(/^$\n/g), ''),
    },
  ],
});
