/**
 * Fujitsu 1FINITY optical transport (T, L and S series) over SSH exec channels. Same commands and stored bytes
 * as Oxidized's `onefinity` model: the configuration as `set` commands.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, sshNoExecOption } from '../runtime/shell-plugin.js';

export const fujitsu1finityPlugin = defineShellPlugin({
  key: 'fujitsu_1finity',
  oxidizedModel: 'onefinity',
  friendlyName: 'Fujitsu 1FINITY',
  description: 'Configuration as set commands, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // `admin@1finity-T100> `.
  prompt: rb(/(\r?[\w.@_()-]+>\s?)$/),
  commentPrefix: '# ',
  options: [sshNoExecOption],
  logout: ['exit'],
  // Oxidized cuts the first line and the last two of every output, even on exec channels.
  cleanAll: (output) => linesOf(output).slice(1, -2).join(''),
  // Oxidized's `onefinity` hides nothing; ours: password hashes and SNMP communities of the set commands.
  maskSecrets: (output) =>
    output
      // Password hashes.
      .replace(rb(/(\s(?:password|encrypted-password|auth-password|priv-password)) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/(\scommunity) \S+/g), '$1 <secret hidden>'),
  commands: [{ command: 'show configuration | display set | nomore' }],
});
