/**
 * Cisco IOS and IOS-XE (switches, routers, C9800 wireless controllers). Same commands and stored bytes as
 * Oxidized's `ios` model: a `! `-commented header from show version / vtp status / inventory, then the
 * running config. Node vars as options: `enable`, `ios_rbac` (`show running-config view full`) and
 * `output_store_mode` (`on_significant` keeps the unattributed "Last configuration change" line).
 */
import { cutBoth, cutHead, linesOf, prefixEachLine, rb, rejectLines } from '../runtime/cleanup.js';
import {
  booleanOption,
  type CleanTools,
  defineShellPlugin,
  enableLogin,
  enableOption,
} from '../runtime/shell-plugin.js';

const runningConfig = 'show running-config';

export const ciscoIosPlugin = defineShellPlugin({
  key: 'cisco_ios',
  oxidizedModel: 'ios',
  completeWhen: /^end$/m, // `show running-config` always ends with `end`
  friendlyName: 'Cisco IOS / IOS-XE',
  description: 'Running config plus version, VTP and inventory header, over an SSH shell.',
  prompt: /^([\w.@()-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  expects: [
    // A pager that `terminal length 0` did not silence (some AAA setups reset it): press space, drop the prompt.
    // Oxidized's model carries the same rule as a commented-out example; it never fires on a paging-free session.
    { pattern: /^ ?--More-- ?(?![\s\S])/m, send: ' ' },
    // The backspaces IOS draws to erase `--More--` after the keypress.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what IOS sends.
    { pattern: /\x08+ +\x08+/g },
  ],
  options: [
    enableOption,
    {
      key: 'ios_rbac',
      description: '"true" when the login sees a role-based CLI view: reads `show running-config view full`',
      required: false,
    },
    {
      key: 'output_store_mode',
      description: '"on_significant" keeps the "! Last configuration change" line even when no user is named',
      required: false,
    },
  ],
  // Oxidized sets the terminal up first and enters privileged mode after (the `enable` macro comes last).
  async login(session) {
    await session.run('terminal length 0');
    await session.run('terminal width 0');
    await enableLogin('enable', /password/i)?.(session);
  },
  logout: ['exit'],
  cleanAll(output) {
    // Error lines of commands that some models lack, so one config layout fits every device.
    const withoutErrors = output.replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/gm), '');
    // The command echo and the trailing prompt.
    return cutBoth(withoutErrors);
  },
  maskSecrets: (output) => maskIosLeftovers(maskIosSecrets(output)),
  significantChanges: (config) =>
    // Save and change timestamps: a save without a change is not a change.
    rejectLines(config, [/^! (Last|No) configuration change (at|since)/, '! NVRAM config last updated at']),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(summariseVersion(output)) },
    {
      command: 'show vtp status',
      clean(output, { comment }) {
        // Blank lines, and the last-modified line that changes whenever anyone touches a VLAN.
        let vtp = output.replace(rb(/^\n/gm), '').replace(rb(/Configuration last modified by.*\n/g), '');
        if (vtp !== '') vtp = prefixEachLine(vtp, 'VTP: ');
        return comment(`${vtp}\n`);
      },
    },
    { command: 'show inventory', clean: (output, { comment }) => comment(output) },
    { command: runningConfig, when: (target) => !booleanOption(target, 'ios_rbac'), clean: cleanRunningConfig },
    // A login bound to an RBAC view sees only part of the config unless it asks for the full view.
    {
      command: `${runningConfig} view full`,
      when: (target) => booleanOption(target, 'ios_rbac'),
      clean: cleanRunningConfig,
    },
  ],
});

function cleanRunningConfig(output: string, { target }: CleanTools): string {
  // "Building configuration...", a blank line and "Current configuration : <size>" (cut by position), the NTP
  // clock-period that drifts constantly, and the size line where it comes later.
  let config = rejectLines(cutHead(output, 3), [/^ntp clock-period /, /^Current configuration : \S+/]);
  if (target?.options.output_store_mode !== 'on_significant') {
    // A change stamp that names no user moves on every reload or automatic change; keep only attributed ones.
    config = rejectLines(config, [/^! (Last|No) configuration change (at|since)(?!.*\d+ by \S+$)/]);
  }
  // Oxidized also rewrites `tunnel mpls traffic-eng bandwidth … auto-bw` blocks, but its rule is written in
  // extended (/x) mode, which drops the spaces from the pattern, so it never matches a config; nothing to do.
  // The evaluated value of a custom SNMP expression OID, which the device rewrites on its own.
  return config.replace(rb(/^(\s+expression) \d+$/gm), '$1 <value removed>');
}

/** Secret masks, in Oxidized's order and with its placeholders, so stored configs compare equal across both. */
function maskIosSecrets(config: string): string {
  return (
    config
      // SNMP communities are passwords.
      .replace(rb(/^(snmp-server community).*/gm), '$1 <configuration removed>')
      // The community a v1/v2c trap or inform host is sent with.
      .replace(
        rb(/^(snmp-server host \S+( vrf \S+)?( informs?)?( version (1|2c))?) +\S+( .*)?/gm),
        '$1 <secret hidden>$6',
      )
      // Local user and enable passwords (type 0, 5, 7, 8, 9 alike).
      .replace(rb(/^(username .+ (password|secret) \d) .+/gm), '$1 <secret hidden>')
      // Enable passwords and secrets.
      .replace(rb(/^(enable (password|secret)( level \d+)? \d) .+/gm), '$1 <secret hidden>')
      // Line and sub-mode passwords.
      .replace(rb(/^( +(?:password|secret)) (?:\d )?\S+/gm), '$1 <secret hidden>')
      // Wireless pre-shared keys (autonomous APs).
      .replace(rb(/^(.*wpa-psk ascii \d) (\S+)/gm), '$1 <secret hidden>')
      // Type-7 keys are reversible.
      .replace(rb(/^(.*key 7) (\d.+)/gm), '$1 <secret hidden>')
      // TACACS+ shared keys.
      .replace(rb(/^(tacacs-server (.+ )?key) .+/gm), '$1 <secret hidden>')
      // IKE pre-shared keys, keeping the peer address.
      .replace(rb(/^(crypto isakmp key) (\S+) (.*)/gm), '$1 <secret hidden> $3')
      // Routing protocol and first-hop-redundancy authentication keys.
      .replace(rb(/^( +ip ospf message-digest-key \d+ md5) .+/gm), '$1 <secret hidden>')
      // OSPF authentication keys.
      .replace(rb(/^( +ip ospf authentication-key) .+/gm), '$1 <secret hidden>')
      // BGP neighbour passwords.
      .replace(rb(/^( +neighbor \S+ password) .+/gm), '$1 <secret hidden>')
      // VRRP authentication texts.
      .replace(rb(/^( +vrrp \d+ authentication text) .+/gm), '$1 <secret hidden>')
      // HSRP plain-text authentication strings.
      .replace(rb(/^( +standby \d+ authentication) .{1,8}$/gm), '$1 <secret hidden>')
      // HSRP MD5 key strings.
      .replace(rb(/^( +standby \d+ authentication md5 key-string) .+?( timeout \d+)?$/gm), '$1 <secret hidden> $2')
      // Key-chain keys.
      .replace(rb(/^( +key-string) .+/gm), '$1 <secret hidden>')
      // The key line inside a `tacacs server` / `radius server` block.
      .replace(rb(/^((tacacs|radius) server [^\n]+\n( +[^\n]+\n)* +key) [^\n]+$/gm), '$1 <secret hidden>')
      // PPP CHAP/PAP passwords.
      .replace(rb(/^( +ppp (chap|pap) password \d) .+/gm), '$1 <secret hidden>')
      // C9800 WLAN pre-shared keys.
      .replace(rb(/^( +security wpa psk set-key (?:ascii|hex) \d) (.*)$/gm), '$1 <secret hidden>')
      // C9800 AP 802.1X supplicant passwords.
      .replace(rb(/^( +dot1x username \S+ password \d) (.*)$/gm), '$1 <secret hidden>')
      // C9800 AP management user password and enable secret.
      .replace(
        rb(/^( +mgmtuser username \S+ password \d) (.*) (secret \d) (.*)$/gm),
        '$1 <secret hidden> $3 <secret hidden>',
      )
      // RADIUS dynamic-authorization client keys.
      .replace(rb(/^( +client \S+ server-key \d) (.*)$/gm), '$1 <secret hidden>')
      // IS-IS domain authentication password.
      .replace(rb(/^( +domain-password) \S+ ?(.*)/gm), '$1 <secret hidden> $2')
      // Pre-shared keys in IKEv2 keyrings and similar blocks.
      .replace(rb(/^( +pre-shared-key).*/gm), '$1 <configuration removed>')
      // Any other server key (`radius-server … server-key`, `aaa server radius dynamic-author`).
      .replace(rb(/^(.*server-key(?: \d)?) \S+/gm), '$1 <secret hidden>')
  );
}

/**
 * Ours, after Oxidized's masks: secrets its rules leave in the clear. Each rule skips text that already is a
 * placeholder (`(?!<)`), so every line Oxidized masks comes out exactly as Oxidized masks it. A key that ends
 * its line may be followed by a stray `\r` (lines that end `\r\r\n`), which stays.
 */
function maskIosLeftovers(config: string): string {
  return (
    config
      // `crypto isakmp key 6 <key> address …`: Oxidized's rule takes the type digit for the key.
      .replace(
        rb(/^(crypto isakmp key <secret hidden>) (?!(?:address|hostname) )\S+( (?:address|hostname) )/gm),
        '$1$2',
      )
      // RADIUS keys of type 0 or with no type (Oxidized's type-7 rule wants a key that starts with a digit).
      .replace(rb(/^(radius-server (?:\S+ )*?key(?: \d)?) (?!<)\S+(?=\r?$)/gm), '$1 <secret hidden>')
      // NTP authentication keys (`ntp authentication-key 1 md5 <key> 7`).
      .replace(rb(/^(ntp authentication-key \d+ \S+) (?!<)\S+/gm), '$1 <secret hidden>')
      // IKEv2 profile keys (`authentication remote pre-share key <key>`).
      .replace(
        rb(/^( +authentication (?:local|remote) pre-share key(?: \d)?) (?!<)\S+(?=\r?$)/gm),
        '$1 <secret hidden>',
      )
      // The key that encrypts type-6 secrets (`key config-key password-encrypt <key>`).
      .replace(rb(/^(key config-key password-encrypt) (?!<)\S+(?=\r?$)/gm), '$1 <secret hidden>')
      // Any other password or secret that ends a line (`ip ftp password 7 …`, `l2tp tunnel password 0 …`).
      .replace(rb(/^(\s*\S.*? (?:password|secret)(?: \d)?) (?!<)\S+(?=\r?$)/gm), '$1 <secret hidden>')
  );
}

/** One `show version` fact: a line pattern and the header line it yields (`slave` marks a standby supervisor). */
type VersionRule = [RegExp, (match: RegExpExecArray, slave: string) => string];

const versionRules: VersionRule[] = [
  [rb(/^Compiled (.*)$/), (m, slave) => `Image:${slave} Compiled: ${m[1]}`],
  [
    rb(/^(?:Cisco )?IOS .* Software,? \(([A-Za-z0-9_-]*)\), .*Version\s+(.*)$/),
    (m, slave) => `Image:${slave} Software: ${m[1]}, ${m[2]}`,
  ],
  [rb(/^ROM: (IOS \S+ )?(System )?Bootstrap.*(Version.*)$/), (m) => `ROM Bootstrap: ${m[3]}`],
  [rb(/^BOOTFLASH: .*(Version.*)$/), (m) => `BOOTFLASH: ${m[1]}`],
  [rb(/^(\d+[kK]) bytes of (non-volatile|NVRAM)/), (m) => `Memory: nvram ${m[1]}`],
  [
    rb(/^(\d+[kK]) bytes of (flash memory|flash internal|processor board System flash|ATA CompactFlash)/i),
    (m) => `Memory: flash ${m[1]}`,
  ],
  [
    rb(/^(\d+[kK]) bytes of (Flash|ATA)?.*PCMCIA .*(slot|disk) ?(\d)/i),
    (m) => `Memory: pcmcia ${m[2] ?? ''} ${m[3]}${m[4]} ${m[1]}`,
  ],
];

/** The processor line: chassis (`cisco ASR-920-24TZ-M`), CPU in parentheses (may hold spaces) and memory. */
const chassisLine = rb(/(\S+(?:\sseries)?)\s+(?:\(([\S ]+)\)\s+processor|\(revision[^)]+\)).*\s+with (\S+k) bytes/i);

/** The `show version` header: first line, then one line per fact found (image, memory, chassis, CPU). */
function summariseVersion(output: string): string {
  const lines = linesOf(output);
  const facts: string[] = [lines[0] ?? ''];
  lines.forEach((rawLine, i) => {
    const line = rawLine.replace(/\n$/, '');
    const slaveSlot = rb(/^Slave in slot (\d+) is running/).exec(line)?.[1];
    const slave = slaveSlot ? ' Slave:' : '';
    for (const [pattern, format] of versionRules) {
      const match = pattern.exec(line);
      if (match) facts.push(format(match, slave));
    }
    const chassis = chassisLine.exec(line);
    if (chassis) facts.push(...chassisFacts(chassis, lines[i + 1] ?? '', lines[i + 2] ?? '', slave, slaveSlot));
    // Board identity lines, kept verbatim (asset tracking wants them in the backup).
    if (line.startsWith('Motherboard')) facts.push(chomp(rawLine));
    const image = rb(/^System image file is "([^"]*)"$/).exec(line);
    if (image) facts.push(`Image: ${image[1]}`);
  });
  facts.push('\n');
  return facts.join('\n');
}

/** Chassis, memory, board id and CPU, read from the processor line and the two lines after it. */
function chassisFacts(
  chassis: RegExpExecArray,
  nextLine: string,
  lineAfter: string,
  slave: string,
  slaveSlot: string | undefined,
): string[] {
  const cpu = chassis[2] ?? '';
  const facts = [`Chassis type:${slave} ${chassis[1]}`, `Memory:${slave} main ${chassis[3]}`];
  const boardId = rb(/processor board id (\S+)/i).exec(nextLine);
  if (boardId) facts.push(`Processor ID: ${boardId[1]}`);
  let cpuExtra = '';
  if (cpuDetailLine(cpu).test(lineAfter)) {
    cpuExtra = chomp(prefixEachLine(lineAfter.replace(/implementation/g, 'impl'), ', '));
  }
  facts.push(`CPU:${slave} ${cpu}${cpuExtra}${slaveSlot ? `, slot ${slaveSlot}` : ''}`);
  return facts;
}

/** Ruby `chomp`: one trailing `\r\n`, `\n` or `\r`. */
function chomp(text: string): string {
  return text.replace(/\r?\n$|\r$/, '');
}

/** The line that details the CPU; Oxidized puts the CPU name into the pattern as regex source. */
function cpuDetailLine(cpu: string): RegExp {
  try {
    return rb(new RegExp(`(cpu at |processor: |${cpu} processor,)`, 'i'));
  } catch {
    return /(cpu at |processor: )/i;
  }
}
