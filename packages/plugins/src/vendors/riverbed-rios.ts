/**
 * Riverbed SteelHead (RiOS) WAN optimisers. Same commands and stored bytes as Oxidized's `riverbed` model: the
 * product, hardware and serial facts picked from `show version`, `show hardware all` and `show info` as `! `
 * comments, then the running config with its `## section ##` markers as comment lines.
 */
import { cutBoth, linesOf, rb, rubyStrip } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** For each line (stripped) matching one of `picks`, a `<label>: <value>` comment; then a newline. */
function pick(
  output: string,
  comment: (text: string) => string,
  picks: readonly [RegExp, (match: RegExpExecArray) => string][],
): string {
  let out = '';
  for (const raw of linesOf(cutBoth(output))) {
    const line = rubyStrip(raw);
    for (const [pattern, label] of picks) {
      const match = rb(pattern).exec(line);
      if (match) out += comment(`${label(match)}\n`);
    }
  }
  return `${out}\n`;
}

const field = (name: string): [RegExp, (match: RegExpExecArray) => string] => [
  new RegExp(`^${name}:\\s+(.*)$`),
  (match) => `${name}: ${match[1] ?? ''}`,
];

export const riverbedRiosPlugin = defineShellPlugin({
  key: 'riverbed_rios',
  oxidizedModel: 'riverbed',
  friendlyName: 'Riverbed SteelHead (RiOS)',
  description: 'Running config plus product, hardware and serial facts, over an SSH shell.',
  // `steelhead-01 > `, `steelhead-01 # `.
  prompt: rb(/^.* *[\w-]+ *[#>] *$/),
  commentPrefix: '! ',
  // Privileged mode, no paging, wide lines.
  postLogin: ['enable', 'terminal length 0', 'terminal width 1024'],
  logout: ['exit'],
  maskSecrets: (output) =>
    output
      // TACACS+, user, NTP, SNMP, IPsec and service shared secrets.
      .replace(rb(/^( *tacacs-server (.+ )?key) .+/g), '$1 <secret hidden>')
      // User passwords and secrets.
      .replace(rb(/^( *username .+ (password|secret) \d) .+/g), '$1 <secret hidden>')
      // NTP server keys.
      .replace(rb(/^( *ntp server .+ key) .+/g), '$1 <secret hidden>')
      // NTP peer keys.
      .replace(rb(/^( *ntp peer .+ key) .+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^( *snmp-server community).*/g), '$1 <configuration removed>')
      // IPsec shared secrets.
      .replace(rb(/^( *ip security shared secret).*/g), '$1 <secret hidden>')
      // Client service shared secrets.
      .replace(rb(/^( *service shared-secret secret client).*/g), '$1 <secret hidden>')
      // Server service shared secrets.
      .replace(rb(/^( *service shared-secret secret server).*/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: RADIUS keys it leaves.
      .replace(rb(/^( *radius-server (.+ )?key) (?!<).+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      clean: (output, { comment }) =>
        pick(output, comment, [
          field('Product name'),
          field('Product release'),
          field('Build ID'),
          field('Build date'),
          field('Build arch'),
          field('Built by'),
          field('Product model'),
          field('Number of CPUs'),
        ]),
    },
    {
      command: 'show hardware all',
      clean: (output, { comment }) =>
        pick(output, comment, [
          field('Hardware revision'),
          field('Mainboard'),
          [/^Slot (\d+):\s+\.*\s+(.*)$/, (match) => `Slot ${match[1] ?? ''}: ${match[2] ?? ''}`],
          field('System led'),
        ]),
    },
    { command: 'show info', clean: (output, { comment }) => pick(output, comment, [field('Serial')]) },
    {
      command: 'show running-config',
      // `## Section ##` markers become comment lines, with any command after them on the next line.
      clean: (output, { comment }) =>
        linesOf(cutBoth(output))
          .map((line) => {
            const marker = rb(/^(.*##.*?##)(.*)$/).exec(line);
            if (!marker) return line;
            const commentLine = comment(rubyStrip(marker[1] ?? ''));
            const command = rubyStrip(marker[2] ?? '');
            return command === '' ? `${commentLine}\n` : `${commentLine}\n${command}\n`;
          })
          .join(''),
    },
  ],
});
