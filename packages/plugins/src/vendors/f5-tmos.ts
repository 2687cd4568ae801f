/**
 * F5 BIG-IP (TMOS 11 to 17) over SSH exec channels. Same commands and stored bytes as Oxidized's `tmos`
 * model: version, software, hardware, licence, routes, certificate listings, DB variables, ZebOS and
 * partition configs as `# ` comments, and the full `tmsh list`.
 */
import { rb } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin, sshNoExecOption } from '../runtime/shell-plugin.js';

const asComment = (output: string, { comment }: CleanTools) => comment(output);

export const f5TmosPlugin = defineShellPlugin({
  key: 'f5_tmos',
  oxidizedModel: 'tmos',
  friendlyName: 'F5 BIG-IP (TMOS)',
  description: 'tmsh configuration plus version, software, hardware, licence, routes and files, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // Oxidized's default prompt, for `ssh_no_exec`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '# ',
  options: [sshNoExecOption],
  maskSecrets: (output) =>
    output
      // Shared secrets (RADIUS, TACACS+, LDAP bind).
      .replace(rb(/^([\s\t]*)secret \S+/g), '$1secret <secret removed>')
      // Passwords and password hashes (`encrypted-password`, `bind-pw`…`password`).
      .replace(rb(/^([\s\t]*\S*)password \S+/g), '$1password <secret removed>')
      // Key passphrases.
      .replace(rb(/^([\s\t]*\S*)passphrase \S+/g), '$1passphrase <secret removed>')
      // SNMP communities.
      .replace(rb(/community \S+/g), 'community <secret removed>')
      // SNMP community names.
      .replace(rb(/community-name \S+/g), 'community-name <secret removed>')
      // Any other encrypted value at the end of a line.
      .replace(rb(/^([\s\t]*\S*)encrypted \S+$/g), '$1encrypted <secret removed>'),
  commands: [
    { command: 'tmsh -q show sys version', clean: asComment },
    { command: 'tmsh -q show sys software', clean: asComment },
    {
      command: 'tmsh -q show sys hardware field-fmt',
      // Fan speeds, temperatures and humidity, which drift.
      clean: (output, { comment }) =>
        comment(
          output
            // Fan speeds.
            .replace(rb(/fan-speed (\S+)/g), '')
            // Temperatures.
            .replace(rb(/temperature (\S+)/g), '')
            // Humidity.
            .replace(rb(/humidity (\S+)/g), ''),
        ),
    },
    { command: 'cat /config/bigip.license', clean: asComment },
    {
      command: 'tmsh -q list',
      clean: (output) =>
        output
          // Monitor states of pool members and nodes.
          .replace(rb(/state (up|down|checking|irule-down)/g), '')
          // Error counters.
          .replace(rb(/errors (\d+)/g), '')
          // Measured bandwidth figures.
          .replace(rb(/^\s+bandwidth-bps (\d+)/g), '')
          // Measured connections per second.
          .replace(rb(/^\s+bandwidth-cps (\d+)/g), '')
          // Measured packets per second.
          .replace(rb(/^\s+bandwidth-pps (\d+)\n/g), '')
          // Encrypted values, re-encrypted with a new salt on every listing.
          .replace(rb(/^\s*\S*encrypted \S+\n/g), ''),
    },
    { command: 'tmsh -q list net route all', clean: asComment },
    { command: '/bin/ls --full-time --color=never /config/ssl/ssl.crt', clean: asComment },
    { command: '/bin/ls --full-time --color=never /config/ssl/ssl.key', clean: asComment },
    {
      command: 'tmsh -q show running-config sys db all-properties',
      // The config-sync and GTM/LTM config timestamps.
      clean: (output, { comment }) =>
        comment(
          output
            // The config-sync local config time.
            .replace(rb(/sys db configsync.localconfigtime \{[^}]+\}/gs), '')
            // The GTM config time.
            .replace(rb(/sys db gtm.configtime \{[^}]+\}/gs), '')
            // The LTM config time.
            .replace(rb(/sys db ltm.configtime \{[^}]+\}/gs), ''),
        ),
    },
    { command: '[ -d "/config/zebos" ] && cat /config/zebos/*/ZebOS.conf', clean: asComment },
    { command: 'cat /config/partitions/*/bigip*.conf', clean: asComment },
  ],
});
