/**
 * Hillstone Networks StoneOS firewalls (E/T/X series). Same commands and stored bytes as Oxidized's `stoneos`
 * model: the running configuration, then the version (without uptime) as `# ` comments. As in Oxidized, the
 * configuration is only kept when its `Building configuration` line was there to be removed.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const hillstoneStoneosPlugin = defineShellPlugin({
  key: 'hillstone_stoneos',
  oxidizedModel: 'stoneos',
  friendlyName: 'Hillstone StoneOS',
  description: 'Running configuration plus version, over an SSH shell.',
  // `SG-6000#`, `fw01~#` (the tilde: HA backup).
  prompt: rb(/^\r?[\w.()-]+~?[#>](\s)?$/),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/^login:/), password: rb(/^Password:/) },
  expects: [
    // The pager line: press space and drop it.
    { pattern: rb(/^\s.*--More--.*$/), send: ' ' },
  ],
  postLogin: ['terminal length 256', 'terminal width 512'],
  logout: ['exit'],
  cleanAll: (output) =>
    // The backspaces StoneOS draws over the pager line (and what lies between them), then the echo and the prompt.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what StoneOS sends.
    cutBoth(output.replace(rb(/\x08+.*\x08+/g), '')),
  // Oxidized's `stoneos` hides nothing; ours: admin password hashes, pre-shared keys, SNMP communities, RADIUS
  // and TACACS+ secrets.
  maskSecrets: (output) =>
    output
      // Passwords.
      .replace(rb(/^(\s*password) (?!<)\S+/g), '$1 <secret hidden>')
      // IKE pre-shared keys.
      .replace(rb(/^(\s*pre-share) (?!<)\S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ secrets and keys.
      .replace(rb(/^(\s*(?:secret|key)) (?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show configuration running',
      // Oxidized's `gsub!` returns nothing when no line matched, so the config is kept only with the header.
      clean: (output) => {
        const pattern = rb(/^Building configuration.*$/g);
        return pattern.test(output) ? output.replace(rb(/^Building configuration.*$/g), '') : '';
      },
    },
    {
      command: 'show version',
      // The uptime line (it stays, empty).
      clean: (output, { comment }) => comment(output.replace(rb(/^Uptime is .*$/g), '')),
    },
  ],
});
