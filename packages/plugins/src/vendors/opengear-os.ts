/**
 * Opengear console servers (CM, IM, ACM; Lighthouse-managed and newer OM series) over SSH exec channels. Same
 * commands and stored bytes as Oxidized's `opengear` model: version and device info (newer firmware) or
 * serial number (older) as `# ` comments, and the config export (newer) or `config -g config` (older); the
 * commands a firmware lacks add nothing.
 */
import { prefixEachLine, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, sshNoExecOption } from '../runtime/shell-plugin.js';

export const opengearOsPlugin = defineShellPlugin({
  key: 'opengear_os',
  oxidizedModel: 'opengear',
  friendlyName: 'Opengear console server',
  description: 'Config export (or config -g config on older firmware) plus version and device info, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // `$ `, for `ssh_no_exec`.
  prompt: rb(/^(\$\s)$/),
  commentPrefix: '# ',
  options: [sshNoExecOption],
  maskSecrets: (output) =>
    output
      // Passwords, SNMP communities, private keys, keys and password hashes.
      .replace(rb(/password (\S+)/g), 'password <secret removed>')
      // SNMP communities.
      .replace(rb(/community (\S+)/g), 'community <secret removed>')
      // SNMP communities in `key=value` form.
      .replace(rb(/community=(\S+)/g), 'community=<secret removed>')
      // Private keys.
      .replace(rb(/private_key=(\S+)/g), 'private_key=<secret removed>')
      // Other keys.
      .replace(rb(/ key=(\S+)/g), ' key=<secret removed>')
      // Password hashes.
      .replace(rb(/hashed_password=(\S+)/g), 'hashed_password=<secret removed>'),
  commands: [
    { command: 'cat /etc/version', clean: (output, { comment }) => comment(output) },
    // Newer firmware.
    {
      command: 'ogdeviceinfo -r',
      clean: (output, { comment }) => (output.includes('ogdeviceinfo: command not found') ? '' : comment(output)),
    },
    { command: 'config export', clean: (output) => (output.includes('usage: config') ? '' : output) },
    // Older firmware.
    {
      command: 'showserial',
      clean: (output, { comment }) =>
        output.includes('showserial: command not found') ? '' : comment(prefixEachLine(output, 'Serial Number: ')),
    },
    { command: 'config -g config', clean: (output) => (output.includes('config: error: argument') ? '' : output) },
  ],
});
