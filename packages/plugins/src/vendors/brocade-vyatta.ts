/**
 * Brocade (AT&T) Vyatta vRouter. Same commands and stored bytes as Oxidized's `vyatta` model: the version as
 * `# ` comments, then the configuration as `set` commands. (VyOS and EdgeOS have their own plugins.)
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const brocadeVyattaPlugin = defineShellPlugin({
  key: 'brocade_vyatta',
  oxidizedModel: 'vyatta',
  friendlyName: 'Brocade Vyatta vRouter',
  description: 'Configuration as set commands plus version, over an SSH shell.',
  // `vyatta@vrouter:~$ `, `vyatta@vrouter> `.
  prompt: rb(/@.*(:~\$|>)\s/),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/login:\s/), password: rb(/^Password:\s/) },
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => linesOf(output).slice(1, -1).join(''),
  maskSecrets: (output) =>
    output
      // Login hashes and passwords, and any other password, to the end of the line.
      .replace(rb(/encrypted-password (\S+).*/g), 'encrypted-password <secret removed>')
      // Plain-text login passwords.
      .replace(rb(/plaintext-password (\S+).*/g), 'plaintext-password <secret removed>')
      // Any other password.
      .replace(rb(/password (\S+).*/g), 'password <secret removed>')
      // IPsec pre-shared secrets, SNMP communities, private and pre-shared keys.
      .replace(rb(/pre-shared-secret (\S+).*/g), 'pre-shared-secret <secret removed>')
      // SNMP communities.
      .replace(rb(/community (\S+)/g), 'community <hidden>')
      // Private keys.
      .replace(rb(/private-key (\S+).*/g), 'private-key <secret removed>')
      // Pre-shared keys.
      .replace(rb(/preshared-key (\S+).*/g), 'preshared-key <secret removed>'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show configuration commands | no-more' },
  ],
});
