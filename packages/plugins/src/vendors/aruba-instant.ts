/**
 * Aruba Instant (IAP) virtual controllers. Same commands and stored bytes as Oxidized's `arubainstant`
 * model: version, activation status and the AP list as `# ` comments, then the unencrypted running config.
 */
import { cutBoth, linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

/**
 * One row of `show aps` (header, dashes or an AP): the columns that describe the AP are kept, the ones that
 * change on their own (mode, spectrum, clients, mesh role, uptime and after) are dropped. Columns are
 * separated by two or more spaces; an IPv4 address anchors AP names that contain two spaces.
 */
const apRow = rb(
  new RegExp(
    [
      '^(?<Name>(?:.+?|-{2,})\\s{2,})',
      '(?<IPv4>(?:IP Address|-{2,}|(?:\\d+\\.){3}\\S+)\\s{2,})',
      '(?:(?:.+?|-{2,})\\s{2,}){3}',
      '(?<Type>(?:.+?|-{2,})\\s{2,})',
      '(?<IPv6>(?:.+?|-{2,})\\s{2,})',
      '(?:(?:.+?|-{2,})\\s{2,})',
      '(?<Zone>(?:.+?|-{2,})\\s{2,})',
      '(?<Serial>(?:.+?|-{2,}))',
      '\\s{2,}',
      '.*$',
    ].join(''),
  ),
);

export const arubaInstantPlugin = defineShellPlugin({
  key: 'aruba_instant',
  oxidizedModel: 'arubainstant',
  friendlyName: 'Aruba Instant (IAP)',
  description: 'Unencrypted running config plus version, activation status and APs, over an SSH shell.',
  prompt: /^ ?[\w:.@-]+[#>] $/m,
  commentPrefix: '# ',
  options: [enableOption],
  async login({ run, target }) {
    const enable = enableVar(target);
    if (enable === true) await run('enable');
    else if (enable) {
      await run('enable', /^[pP]assword:/);
      await run(enable);
    }
  },
  // One exit leaves privileged mode, the next logs out.
  logout: (target) => (enableVar(target) ? ['exit', 'exit'] : ['exit']),
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets: (output) =>
    output
      // IPsec and SNMP secrets at the end of a line.
      .replace(rb(/ipsec (\S+)$/g), 'ipsec <secret removed>')
      // SNMP communities.
      .replace(rb(/community (\S+)$/g), 'community <secret removed>')
      // The community of an SNMPv2c trap host.
      .replace(rb(/^(snmp-server host [\d.]+ version 2c) \S+ (.*)$/g), '$1 <secret removed> $2')
      // Management users: controller/MAS form (`<user> <role> <hash>`), then IAP form (`<user> <hash> [role]`).
      .replace(
        rb(/mgmt-user (\S+) (root|guest-provisioning|network-operations|read-only|location-api-mgmt) (\S+)$/g),
        'mgmt-user $1 $2 <secret removed>',
      )
      // Management users without a role keyword, keeping a read-only/guest-mgmt role.
      .replace(rb(/mgmt-user (\S+) (\S+)( (read-only|guest-mgmt))?$/g), 'mgmt-user $1 <secret removed> $3')
      // Keys, WPA passphrases and backup passwords.
      .replace(rb(/key (\S+)$/g), 'key <secret removed>')
      // WPA passphrases.
      .replace(rb(/wpa-passphrase (\S+)$/g), 'wpa-passphrase <secret removed>')
      // Backup passwords.
      .replace(rb(/bkup-passwords (\S+)$/g), 'bkup-passwords <secret removed>')
      // Local (guest/RADIUS) users' passwords, keeping the user type.
      .replace(rb(/user (\S+) (\S+) (\S+)$/g), 'user $1 <secret removed> $3')
      // Virtual-controller keys.
      .replace(rb(/virtual-controller-key (\S+)$/g), 'virtual-controller-key <secret removed>')
      // Hashed management-user passwords.
      .replace(rb(/^(hash-mgmt-user .* password \S+) \S+( usertype .*)?$/g), '$1 <secret removed>$2'),
  commands: [
    {
      command: 'show version',
      // Uptime and the last reboot time.
      clean: (output, { comment }) =>
        comment(rejectLines(output, [/^(Switch|AP) uptime is /, /^Reboot Time and Cause/])),
    },
    {
      command: 'show activate status',
      // Activation-server state and timers, which change on their own.
      clean: (output, { comment }) =>
        comment(`${rejectLines(output, [/^Activate /, /^Provision interval/, /^Cloud Activation Key/])}\n`),
    },
    {
      command: 'show aps',
      clean: (output, { comment }) =>
        comment(
          `${linesOf(output)
            .map((line) => line.replace(apRow, '$<Name>$<IPv4>$<Type>$<IPv6>$<Zone>$<Serial>'))
            .join('')}\n`,
        ),
    },
    { command: 'show running-config no-encrypt' },
  ],
});
