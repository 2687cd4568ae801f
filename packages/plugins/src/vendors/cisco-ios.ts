/**
 * Cisco IOS and IOS-XE. Same commands and stored bytes as Oxidized's `ios` model: a `! `-commented header
 * from show version / vtp status / inventory, then the running config.
 */
import { cutBoth, linesOf, prefixEachLine } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoIosPlugin = defineShellPlugin({
  key: 'cisco_ios',
  oxidizedModel: 'ios',
  friendlyName: 'Cisco IOS / IOS-XE',
  description: 'Running config plus version, VTP and inventory header, over an SSH shell.',
  prompt: /^([\w.@()-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  expects: [
    // A pager that `terminal length 0` did not silence (some AAA setups reset it): press space, drop the prompt.
    { pattern: /^ ?--More-- ?(?![\s\S])/m, send: ' ' },
    // The backspaces IOS draws to erase `--More--` after the keypress.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what IOS sends.
    { pattern: /\x08+ +\x08+/g },
  ],
  enable: { command: 'enable', passwordPrompt: /^[pP]assword:/ },
  postLogin: ['terminal length 0', 'terminal width 0'],
  logout: ['exit'],
  cleanAll(output) {
    // Error lines of commands that some models lack, so one config layout fits every device.
    const withoutErrors = output.replace(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/gm, '');
    // The command echo and the trailing prompt.
    return cutBoth(withoutErrors);
  },
  maskSecrets: maskIosSecrets,
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(summariseVersion(output)) },
    {
      command: 'show vtp status',
      clean(output, { comment }) {
        // Blank lines, and the last-modified line that changes whenever anyone touches a VLAN.
        let vtp = output.replace(/^\n/gm, '').replace(/Configuration last modified by.*\n/g, '');
        if (vtp !== '') vtp = prefixEachLine(vtp, 'VTP: ');
        return comment(`${vtp}\n`);
      },
    },
    { command: 'show inventory', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      clean(output) {
        // The "Building configuration..." preamble lines, and ntp clock-period which drifts constantly.
        const kept = linesOf(output)
          .slice(3)
          .filter((line) => !/^ntp clock-period /.test(line))
          .join('');
        return (
          kept
            // Size and change timestamps that differ on every save without any config change.
            .replace(/^Current configuration : [^\n]*\n/gm, '')
            // Values the device rewrites on its own (an expression MIB's evaluated value).
            .replace(/^(snmp mib expression owner [^\n]*\n\s+expression) .+$/gm, '$1 <value removed>')
            // auto-bw rewrites the tunnel bandwidth line continuously; keep only the auto-bw line.
            .replace(
              /^ tunnel mpls traffic-eng bandwidth[^\n]*\n+((?: [^\n]*\n+)*? tunnel mpls traffic-eng auto-bw)/gm,
              '$1',
            )
        );
      },
    },
  ],
});

/** Secret masks, with Oxidized's placeholders so stored configs compare equal across both tools. */
function maskIosSecrets(config: string): string {
  return (
    config
      // SNMP communities are passwords.
      .replace(/^(snmp-server community).*/gm, '$1 <configuration removed>')
      // The community in a trap/inform host line. Kept to one line: Oxidized's version of this rule lets
      // `\s` run across newlines and leaves the communities of every later host line in place.
      .replace(
        /^(snmp-server host \S+(?: vrf \S+)?(?: informs| traps)?(?: version (?:1|2c|3 (?:auth|noauth|priv)))?) +\S+(.*)$/gm,
        '$1 <secret hidden>$2',
      )
      // RADIUS dynamic-authorization client keys (`server-key [0|7] KEY`), which Oxidized leaves visible.
      .replace(/^(\s+client .*server-key(?: \d)?) \S+/gm, '$1 <secret hidden>')
      // Local user and enable passwords (type 0, 5, 7, 8, 9 alike).
      .replace(/^(username .+ (password|secret) \d) .+/gm, '$1 <secret hidden>')
      .replace(/^(enable (password|secret)( level \d+)? \d) .+/gm, '$1 <secret hidden>')
      // Line and sub-mode passwords.
      .replace(/^(\s+(?:password|secret)) (?:\d )?\S+/gm, '$1 <secret hidden>')
      // Wireless pre-shared keys.
      .replace(/^(.*wpa-psk ascii \d) (\S+)/gm, '$1 <secret hidden>')
      // Type-7 keys are reversible.
      .replace(/^(.*key 7) (\d.+)/gm, '$1 <secret hidden>')
      // TACACS+ shared keys.
      .replace(/^(tacacs-server (.+ )?key) .+/gm, '$1 <secret hidden>')
      // IKE pre-shared keys, keeping the peer address.
      .replace(/^(crypto isakmp key) (\S+) (.*)/gm, '$1 <secret hidden> $3')
      // Routing protocol and first-hop-redundancy authentication keys.
      .replace(/^(\s+ip ospf message-digest-key \d+ md5) .+/gm, '$1 <secret hidden>')
      .replace(/^(\s+ip ospf authentication-key) .+/gm, '$1 <secret hidden>')
      .replace(/^(\s+neighbor \S+ password) .+/gm, '$1 <secret hidden>')
      .replace(/^(\s+vrrp \d+ authentication text) .+/gm, '$1 <secret hidden>')
      .replace(/^(\s+standby \d+ authentication) .{1,8}$/gm, '$1 <secret hidden>')
      .replace(/^(\s+standby \d+ authentication md5 key-string) .+?( timeout \d+)?$/gm, '$1 <secret hidden> $2')
      // Key-chain keys.
      .replace(/^(\s+key-string) .+/gm, '$1 <secret hidden>')
      // The key line inside a `tacacs server` / `radius server` block.
      .replace(/^((tacacs|radius) server [^\n]+\n(\s+[^\n]+\n)*\s+key) [^\n]+$/gm, '$1 <secret hidden>')
      // PPP CHAP/PAP passwords.
      .replace(/^(\s+ppp (chap|pap) password \d) .+/gm, '$1 <secret hidden>')
  );
}

/** One `show version` fact: a line pattern and the header line it yields (`slave` marks a standby supervisor). */
type VersionRule = [RegExp, (match: RegExpExecArray, slave: string) => string];

const versionRules: VersionRule[] = [
  [/^Compiled (.*)$/, (m, slave) => `Image:${slave} Compiled: ${m[1]}`],
  [
    /^(?:Cisco )?IOS .* Software,? \(([A-Za-z0-9_-]*)\), .*Version\s+(.*)$/,
    (m, slave) => `Image:${slave} Software: ${m[1]}, ${m[2]}`,
  ],
  [/^ROM: (IOS \S+ )?(System )?Bootstrap.*(Version.*)$/, (m) => `ROM Bootstrap: ${m[3]}`],
  [/^BOOTFLASH: .*(Version.*)$/, (m) => `BOOTFLASH: ${m[1]}`],
  [/^(\d+[kK]) bytes of (non-volatile|NVRAM)/, (m) => `Memory: nvram ${m[1]}`],
  [
    /^(\d+[kK]) bytes of (flash memory|flash internal|processor board System flash|ATA CompactFlash)/i,
    (m) => `Memory: flash ${m[1]}`,
  ],
  [
    /^(\d+[kK]) bytes of (Flash|ATA)?.*PCMCIA .*(slot|disk) ?(\d)/i,
    (m) => `Memory: pcmcia ${m[2] ?? ''} ${m[3]}${m[4]} ${m[1]}`,
  ],
];

/** The `show version` header: first line, then one line per fact found (image, memory, chassis, CPU). */
function summariseVersion(output: string): string {
  const lines = linesOf(output);
  const facts: string[] = [lines[0] ?? ''];
  lines.forEach((rawLine, i) => {
    const line = rawLine.replace(/\n$/, '');
    const slaveSlot = /^Slave in slot (\d+) is running/.exec(line)?.[1];
    const slave = slaveSlot ? ' Slave:' : '';
    for (const [pattern, format] of versionRules) {
      const match = pattern.exec(line);
      if (match) facts.push(format(match, slave));
    }
    const chassis = /(\S+(?:\sseries)?)\s+(?:\((\S+)\)\s+processor|\(revision[^)]+\)).*\s+with (\S+k) bytes/i.exec(
      line,
    );
    if (chassis) facts.push(...chassisFacts(chassis, lines[i + 1] ?? '', lines[i + 2] ?? '', slave, slaveSlot));
    // Board identity lines, kept verbatim (asset tracking wants them in the backup).
    if (/^Motherboard (Assembly|Serial|Revision) Number\s*:/i.test(line)) facts.push(line);
    const image = /^System image file is "([^"]*)"$/.exec(line);
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
  const boardId = /processor board id (\S+)/i.exec(nextLine);
  if (boardId) facts.push(`Processor ID: ${boardId[1]}`);
  let cpuExtra = '';
  if (new RegExp(`(cpu at |processor: |${cpu} processor,)`, 'i').test(lineAfter)) {
    cpuExtra = prefixEachLine(lineAfter.replace(/implementation/g, 'impl'), ', ').replace(/\n$/, '');
  }
  facts.push(`CPU:${slave} ${cpu}${cpuExtra}${slaveSlot ? `, slot ${slaveSlot}` : ''}`);
  return facts;
}
