/**
 * ArubaOS (AOS-W) mobility controllers, Instant APs and Mobility Access Switches (also Alcatel OAW and Dell
 * W-series). Same commands and stored bytes as Oxidized's `aosw` model: version, inventory, slots and
 * licences as `# ` comments (each only where the platform has it), then the running config.
 */
import { cutBoth, linesOf, rb, rejectLines, rstripLines, rubyStrip } from '../runtime/cleanup.js';
import {
  type CleanTools,
  defineShellPlugin,
  enableOption,
  enableVar,
  enterEnableBlind,
} from '../runtime/shell-plugin.js';

/** IAPs and Mobility Access Switches reject some show commands: their answer is then left out. */
const unsupported = rb(/(Invalid input detected at '\^' marker|Parse error)/);

export const arubaAoswPlugin = defineShellPlugin({
  key: 'aruba_aosw',
  oxidizedModel: 'aosw',
  friendlyName: 'Aruba AOS-W (ArubaOS controllers, IAP, MAS)',
  description: 'Running config plus version, inventory, slots and licences, over an SSH shell.',
  prompt: /^\(?[\w:.@-]+\)? ?[*^]?(\[[\w/]+\] ?)?[#>] ?$/m,
  commentPrefix: '# ',
  options: [enableOption],
  // Carriage returns everywhere, the prompt's included.
  expects: [{ pattern: /\r/g }],
  // `enable` is typed without waiting for its password prompt, then the password is typed.
  login: enterEnableBlind,
  postLogin: ['no paging', 'encrypt disable'],
  // One exit leaves privileged mode, the next logs out.
  logout: (target) => (enableVar(target) ? ['exit', 'exit'] : ['exit']),
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets: (output) =>
    output
      // Enable, IKE, IPsec, SNMP and RADIUS/TACACS secrets at the end of a line.
      .replace(rb(/secret (\S+)\s?$/g), 'secret <secret removed>')
      // Enable secrets.
      .replace(rb(/enable secret (\S+)\s?$/g), 'enable secret <secret removed>')
      // IKE pre-shared keys.
      .replace(rb(/PRE-SHARE (\S+)\s?$/g), 'PRE-SHARE <secret removed>')
      // IPsec keys.
      .replace(rb(/ipsec (\S+)\s?$/g), 'ipsec <secret removed>')
      // SNMP communities.
      .replace(rb(/community (\S+)\s?$/g), 'community <secret removed>')
      // SNMPv3 auth and privacy keys.
      .replace(rb(/ sha (\S+)/g), ' sha <secret removed>')
      // SNMPv3 privacy keys.
      .replace(rb(/ des (\S+)/g), ' des <secret removed>')
      // The mobility manager's SNMP password.
      .replace(rb(/mobility-manager (\S+) user (\S+) (\S+)/g), 'mobility-manager $1 user $2 <secret removed>')
      // Management users: controller/MAS form (`<user> <role> <hash>`), then IAP form (`<user> <hash> [role]`).
      .replace(
        rb(/mgmt-user (\S+) (root|guest-provisioning|network-operations|read-only|location-api-mgmt) (\S+)\s?$/g),
        'mgmt-user $1 $2 <secret removed>',
      )
      // Management users without a role keyword, keeping a read-only/guest-mgmt role.
      .replace(rb(/mgmt-user (\S+) (\S+)( (read-only|guest-mgmt))?\s?$/g), 'mgmt-user $1 <secret removed> $3')
      // Keys, VRRP passphrases, WPA passphrases, backup passwords, AP console and virtual-controller keys.
      .replace(rb(/key (\S+)\s?$/g), 'key <secret removed>')
      // VRRP passphrases.
      .replace(rb(/vrrp-passphrase (\S+)\s?$/g), 'vrrp-passphrase <secret removed>')
      // WPA passphrases.
      .replace(rb(/wpa-passphrase (\S+)\s?$/g), 'wpa-passphrase <secret removed>')
      // Backup passwords.
      .replace(rb(/bkup-passwords (\S+)\s?$/g), 'bkup-passwords <secret removed>')
      // AP console passwords.
      .replace(rb(/ap-console-password (\S+)\s?$/g), 'ap-console-password <secret removed>')
      // Virtual-controller keys.
      .replace(rb(/virtual-controller-key (\S+)\s?$/g), 'virtual-controller-key <secret removed>'),
  commands: [
    {
      command: 'show version',
      // Uptime and the last reboot time, which change without any config change.
      clean: (output, { comment }) =>
        rstripLines(comment(rejectLines(output, [/(Switch|AP) uptime/i, /Reboot Time and Cause/i]))),
    },
    {
      command: 'show inventory',
      clean: (output, tools) => rstripLines(withoutSensors(unsupported.test(output) ? '' : output, tools)),
    },
    { command: 'show slots', clean: commentedUnlessUnsupported },
    { command: 'show license', clean: commentedUnlessUnsupported },
    { command: 'show license passphrase', clean: commentedUnlessUnsupported },
    {
      command: 'show running-config',
      // The controller config counter and the "Building Configuration" banner.
      clean: (output) => rstripLines(rejectLines(output, [/^controller config \d+$/, /^Building Configuration/])),
    },
  ],
});

function commentedUnlessUnsupported(output: string, { comment }: CleanTools): string {
  return rstripLines(comment(unsupported.test(output) ? '' : output));
}

/** Inventory lines trimmed and commented, without temperatures, fan speeds and voltages (they change each run). */
function withoutSensors(output: string, { comment }: CleanTools): string {
  const kept: string[] = [];
  for (const line of linesOf(output)) {
    if (rb(/Output \d Config/i).test(line)) continue;
    if (rb(/(Tachometers|Temperatures|Voltages)/).test(line)) continue;
    if (rb(/((Card|CPU) Temperature|Chassis Fan|VMON1[0-9])/).test(line)) continue;
    if (rb(/[0-9.]{1,6}\s+(RPMS?|m?V|C|W)/i).test(line)) continue;
    kept.push(rubyStrip(line));
  }
  return `${comment(kept.join('\n'))}\n`;
}
