/**
 * Ubiquiti EdgeOS routers (EdgeRouter, EdgeRouter X/4/6P/12, EdgePoint). Same commands and stored bytes as
 * Oxidized's `edgeos` model: version (without uptime) as `# ` comments, then the configuration as `set`
 * commands.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ubiquitiEdgeosPlugin = defineShellPlugin({
  key: 'ubiquiti_edgeos',
  oxidizedModel: 'edgeos',
  friendlyName: 'Ubiquiti EdgeOS (EdgeRouter)',
  description: 'Configuration as set commands plus version, over an SSH shell.',
  // `ubnt@edgerouter:~$ `.
  prompt: rb(/@.*?:~\$\s/),
  commentPrefix: '# ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/login:\s/), password: rb(/^Password:\s/) },
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => linesOf(output).slice(1, -1).join(''),
  maskSecrets: (output) =>
    output
      // Login password hashes and clear-text passwords.
      .replace(rb(/(encrypted-password) \S+/g), '$1 <secret removed>')
      // Clear-text login passwords.
      .replace(rb(/(plaintext-password) \S+/g), '$1 <secret removed>')
      // Any other password (DDNS, PPPoE, RADIUS…); as in Oxidized this also catches the two above again.
      .replace(rb(/(password) \S+/g), '$1 <secret removed>')
      // IPsec pre-shared secrets.
      .replace(rb(/(pre-shared-secret) \S+/g), '$1 <secret removed>')
      // SNMP communities in the configuration-tree format.
      .replace(rb(/(community) \S+ \{/g), '$1 <hidden> {')
      // Commit-archive URLs, which carry the upload password.
      .replace(rb(/(commit-archive location) \S+/g), '$1 <secret removed>')
      // Ours, after Oxidized's rules: the SNMP community in `set service snmp community <c> …` (commands format,
      // which is what this model stores and Oxidized's tree-format rule misses), RADIUS/TACACS+ keys, and
      // OpenVPN/WireGuard private keys.
      .replace(rb(/^(set service snmp community) (?!<)\S+/g), '$1 <hidden>')
      // RADIUS/TACACS+ secrets and keys.
      .replace(rb(/( (?:secret|key)) '[^']*'/g), "$1 '<secret removed>'")
      // OpenVPN/WireGuard private keys.
      .replace(rb(/(private-key) (?!<)\S+/g), '$1 <secret removed>'),
  commands: [
    {
      command: 'show version | no-more',
      // The uptime line, which changes on every run.
      clean: (output, { comment }) => comment(output.replace(rb(/^Uptime:\s.+/g), '')),
    },
    { command: 'show configuration commands | no-more' },
  ],
});
