/**
 * Fortinet FortiGate (FortiOS). Same commands and stored bytes as Oxidized's `fortigate` model: status, HA
 * state, hardware, PSUs, transceivers and (optionally) signature versions as a `# `-commented header, then
 * the config as the GUI shows it (or the full config with defaults). With VDOMs on, the header commands
 * run inside `config global`; the HA status is read only on an active-passive or active-active cluster.
 * Ruby's `.` matches `\r` and JavaScript's does not: `[^\n]` stands for it in the ported patterns.
 */
import { cutBoth, keepLines, rejectLines } from '../runtime/cleanup.js';
import { booleanOption, defineShellPlugin, type EarlierOutputs } from '../runtime/shell-plugin.js';

/** What every answer goes through first (Oxidized `cmd :all`). */
function cleanAnswer(output: string): string {
  // The blank-out FortiOS draws over `--More--` after the keypress, then the `\r` left after the echo;
  // then the echo and the prompt.
  return cutBoth(output.replace(/\r +\r/g, '').replace(/\r\n/g, '\n'));
}

function statusMatches({ rawOutputOf }: EarlierOutputs, pattern: RegExp): boolean {
  return pattern.test(cleanAnswer(rawOutputOf('get system status') ?? ''));
}

/** VDOMs on: the header commands need `config global` first and `end` after. */
const vdomEnabled = (earlier: EarlierOutputs) =>
  statusMatches(earlier, /^Virtual domain configuration: (enable|multiple)/m);

const autoupdate = (target: EarlierOutputs['target']) =>
  booleanOption(target, 'fortigate_autoupdate') || booleanOption(target, 'fortios_autoupdate');

function cleanConfig(output: string): string {
  // The config file revision, bumped on every save even when nothing changed.
  const kept = rejectLines(output, ['#conf_file_ver=']);
  // FortiGuard's licence-order error, written into a comment with a changing account ID and date.
  return kept.replace(/(set comments "Error \(No order found for account ID \d+\) on)[^\n]*/g, '$1 <stripped>');
}

export const fortinetFortigatePlugin = defineShellPlugin({
  key: 'fortinet_fortigate',
  oxidizedModel: 'fortigate',
  friendlyName: 'Fortinet FortiGate',
  description:
    'Configuration (as the GUI shows it, or in full) plus status, HA, hardware, PSU and transceiver header, over an SSH shell.',
  // `(M) ` status, hostname, `(Primary)` HA role, ` (global)` VDOM, then `#`, `>` or `$`.
  prompt: /^(?:\(\w\) )?[-\w.~]+(?:\(\w+\))?(?: [(\w.)-]+)?~? ?[#>$] ?$/m,
  commentPrefix: '# ',
  expects: [
    // A post-login banner the admin must accept with `a` before the prompt appears.
    { pattern: /^\(Press\s'a'\sto\saccept\):/m, send: 'a' },
    // The pager, which `get system status` and transceiver tables show even with standard console output.
    { pattern: /^--More--\s$/m, send: ' ' },
  ],
  logout: ['exit'],
  options: [
    {
      key: 'fullconfig',
      description: '"true" to store `show full-configuration` (defaults included)',
      required: false,
    },
    {
      key: 'fortigate_autoupdate',
      description: '"true" to add the signature versions of `diagnose autoupdate version`',
      required: false,
    },
    {
      key: 'fortios_autoupdate',
      description: 'Deprecated name of `fortigate_autoupdate` (Oxidized var)',
      required: false,
    },
  ],
  cleanAll: cleanAnswer,
  maskSecrets(config) {
    return (
      config
        // The private data encryption key of configs saved with private encryption.
        .replace(/^(#private-encryption-key=)[^\n]+/gm, '$1 <configuration removed>')
        // Every `ENC` value: passwords, PSKs, SNMP and TACACS+ keys.
        .replace(/(set [^\n]+ ENC) [^\n]+/g, '$1 <configuration removed>')
        // Every `…secret` setting (RADIUS, LDAP, IPsec).
        .replace(/(set [^\n]*secret) [^\n]+/g, '$1 <configuration removed>')
        // Other settings that hold a password or key in the clear or hashed.
        .replace(
          /(set (?:passwd|password|key|group-password|auth-password-l1|auth-password-l2|rsso|history0|history1)) [^\n]+/g,
          '$1 <configuration removed>',
        )
        // OSPF/RIP MD5 keys, after their key ID.
        .replace(/(set md5-key [0-9]+) [^\n]+/g, '$1 <configuration removed>')
        // PEM private keys (certificates, SSH), which span several lines inside one quoted value.
        .replace(
          /(set private-key ).*?-+END (ENCRYPTED|RSA|OPENSSH) PRIVATE KEY-+\n?"$/gms,
          '$1<configuration removed>',
        )
        // The same under `set privatekey`.
        .replace(/(set privatekey ).*?-+END (ENCRYPTED|RSA|OPENSSH) PRIVATE KEY-+\n?"$/gms, '$1<configuration removed>')
        // CA certificates and certificate requests, as Oxidized hides them too.
        .replace(/(set ca )"-+BEGIN.*?-+END CERTIFICATE-+"$/gms, '$1<configuration removed>')
        // Certificate requests.
        .replace(/(set csr ).*?-+END CERTIFICATE REQUEST-+"$/gms, '$1<configuration removed>')
        // Ours from here: secrets Oxidized's rules leave in the clear; `(?!<)` leaves its placeholders alone.
        // PEM private keys its rules miss: EC, DSA and unencrypted PKCS#8 (`-----END PRIVATE KEY-----`).
        .replace(
          /(set private-?key )(?!<)"-+BEGIN [\s\S]*?-+END [A-Z ]*PRIVATE KEY-+\n?"$/gm,
          '$1<configuration removed>',
        )
    );
  },
  significantChanges(config) {
    return (
      // ENC values are re-encrypted with a new salt on every read, so they differ on every run.
      rejectLines(config, [/^ +set \S+ ENC \S+$/])
        // FortiGuard updates the internet-service table by itself: it is not configuration anybody wrote.
        .replace(/(config firewall internet-service-name\n)[\s\S]*?(\nend\n)/g, '')
        // Encrypted private keys change on every read too.
        .replace(/set private-key [\s\S]*?-+END \S+ PRIVATE KEY-+\n?"$/gm, '')
    );
  },
  commands: [
    {
      command: 'get system status',
      // Identity, versions and modes; signature DBs, uptimes, clock and reboot reason change by themselves.
      clean: (output, { comment }) =>
        comment(
          `${keepLines(output, [
            'Version: ',
            'Security Level: ',
            'Serial-Number: ',
            'BIOS version: ',
            'System Part-Number: ',
            'Hostname: ',
            'Operation Mode: ',
            'Current virtual domain: ',
            'Max number of virtual domains: ',
            'Virtual domains status:',
            'Virtual domain configuration: ',
            'FIPS-CC mode: ',
            'Current HA mode: ',
            'Private Encryption: ',
            'License Expiration Date: ',
            'License Status: ',
            'VM Resources: ',
          ])}\n`,
        ),
    },
    { command: 'config global', runIf: vdomEnabled, clean: () => '' },
    {
      command: 'get system ha status',
      // Only on a cluster (`a-p` or `a-a`); a standalone unit has no HA state to record.
      runIf: (earlier) => statusMatches(earlier, /^Current HA mode: a-/m),
      // Health, model, mode and members; checksums, usage stats and state-change times change by themselves.
      clean: (output, { comment }) =>
        comment(
          `${keepLines(output, [
            'HA Health Status:',
            'Model: ',
            'Mode: ',
            'number of member: ',
            /^(Master|Slave|Primary|Secondary): /,
          ])}\n`,
        ),
    },
    { command: 'get hardware status', clean: (output, { comment }) => comment(output) },
    {
      command: 'diagnose hardware deviceinfo psu',
      // Units without the command, or that report only a status and no serial numbers, add nothing.
      clean: (output, { comment }) =>
        /Command fail\./.test(output) || /Power Supply +Status/.test(output) ? '' : comment(output),
    },
    {
      command: 'get system interface transceiver',
      // Installed modules with vendor, part and serial; empty cages and the optical readings are left out.
      clean: (output, { comment }) =>
        comment(
          `${rejectLines(keepLines(output, [/^Interface \w/, 'Vendor Name', 'Part No.', 'Serial No.']), [
            'Transceiver is not detected',
          ])}\n`,
        ),
    },
    {
      command: 'diagnose autoupdate version',
      when: autoupdate,
      // Versions and expiry dates; the update server address and the last-update times change by themselves.
      clean: (output, { comment }) =>
        comment(rejectLines(output.replace(/FDS Address\n---------\n[^\n]*\n/, ''), ['Last Update', 'Result :'])),
    },
    { command: 'end', runIf: vdomEnabled, clean: () => '' },
    {
      command: 'show full-configuration | grep .',
      when: (target) => booleanOption(target, 'fullconfig'),
      clean: cleanConfig,
    },
    { command: 'show | grep .', when: (target) => !booleanOption(target, 'fullconfig'), clean: cleanConfig },
  ],
});
