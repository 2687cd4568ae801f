/**
 * Brocade (now Extreme) Network OS: VDX 6740/6940/8770 fabric switches. Same commands and stored bytes as
 * Oxidized's `nos` model: version (without uptime), inventory, licences and chassis (without times) as `! `
 * comments, then the running config. (Oxidized's model declares a `show system` block with `cfg` instead of
 * `cmd`, so it never runs; neither does it here.)
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const brocadeNosPlugin = defineShellPlugin({
  key: 'brocade_nos',
  oxidizedModel: 'nos',
  friendlyName: 'Brocade / Extreme Network OS (VDX)',
  description: 'Running config plus version, inventory, licences and chassis, over an SSH shell.',
  // `sw0# `, possibly after a cursor-position code.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the prompt may start with an escape code.
  prompt: rb(/^(?:\x1b\[..h)?[\w.-]+# $/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^.* login: /), password: rb(/^Password:/) },
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `nos` hides nothing; ours: user password hashes, SNMP communities, RADIUS/TACACS+ keys.
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/^(username \S+ password) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ host keys.
      .replace(rb(/^((?:radius|tacacs)-server host .* key) \S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      // Uptime lines.
      clean: (output, { comment }) =>
        comment(rejectLines(output, [/([Ss]ystem [Uu]p\s?[Tt]ime|[Uu]p\s?[Tt]ime is \d)/])),
    },
    { command: 'show inventory', clean: (output, { comment }) => comment(output) },
    { command: 'show license', clean: (output, { comment }) => comment(output) },
    {
      command: 'show chassis',
      // Clock and last-update lines.
      clean: (output, { comment }) => comment(rejectLines(output, [/Time/, /Update/])),
    },
    { command: 'show running-config | nomore' },
  ],
});
