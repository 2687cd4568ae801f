/**
 * HPE Aruba AOS-CX. Same commands and stored bytes as Oxidized's `aoscx` model: version, environment, module,
 * transceiver and system output as a `! `-commented header (readings that drift by the minute hidden), then
 * the running config.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind, escapeCodesExpect } from '../runtime/shell-plugin.js';

export const arubaAoscxPlugin = defineShellPlugin({
  key: 'aruba_aoscx',
  oxidizedModel: 'aoscx',
  friendlyName: 'Aruba AOS-CX',
  description: 'Running config plus version, environment, module, transceiver and system header, over an SSH shell.',
  // SSH prompts may start with `\r` (which `\s` takes); telnet-style ones lose their VT100 codes first.
  prompt: /^[\w\s.-]+[#>] $/m,
  commentPrefix: '! ',
  expects: [
    // Colours and cursor moves drawn around prompts and tables (Oxidized `clean :escape_codes`).
    escapeCodesExpect,
    // A pager that `no page` did not silence: press space; Oxidized drops everything read so far with it.
    { pattern: /[\s\S]*Press any key to continue(?![^\n])[\s\S]*/, send: ' ' },
    // The stack-member question some commands ask: answer with Enter, dropping what was read so far.
    { pattern: /[\s\S]*Enter switch number[\s\S]*/, send: '\n' },
  ],
  options: [enableOption],
  // Oxidized types `enable` and then the password without waiting for the password prompt.
  login: enterEnableBlind,
  postLogin: ['no page'],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets(config) {
    return (
      config
        // Ours, before Oxidized's rules: a `key ciphertext <key>` that its TACACS+ rule (which masks the word
        // `ciphertext`) and its RADIUS rule (which needs text after the key) would leave in the clear.
        .replace(rb(/^(tacacs-server host \S+ key ciphertext) \S+/gm), '$1 <secret hidden>')
        // The same for a RADIUS host whose key ends the line.
        .replace(rb(/^(radius-server host \S+ key ciphertext) \S+(?=\r?$)/gm), '$1 <secret hidden>')
        // Local user password hashes.
        .replace(rb(/^(user .* group .*(?: ciphertext)?) \S+/gm), '$1 <secret hidden>')
        // SNMP communities are passwords.
        .replace(rb(/^(snmp-server community) \S+(.*)/gm), '$1 <secret hidden> $2')
        // The community a trap/inform host is sent with (`... trap version v2c community <community>`).
        .replace(rb(/^(snmp-server host \S+ .*community) \S+(.*)/gm), '$1 <secret hidden>$2')
        // SNMPv3 user name, auth and priv passphrases.
        .replace(
          rb(
            /^(snmpv3 user).*?(auth (?:md5|sha(?:\d{1,3})?) auth-pass ciphertext).*?(priv (?:des|aes(?:\d{1,3})?) priv-pass ciphertext).*/gm,
          ),
          '$1 <user> $2 <auth-pass> $3 <priv-pass>',
        )
        // RADIUS shared keys, per host and global.
        .replace(rb(/^(radius-server host \S+ key(?: ciphertext)?) \S+ (.*)/gm), '$1 <secret hidden> $2')
        // The global RADIUS key line.
        .replace(rb(/^(radius-server key).*/gm), '$1 <configuration removed>')
        // TACACS+ shared keys, per host and global.
        .replace(rb(/^(tacacs-server host \S+ key) \S+(.*)/gm), '$1 <secret hidden> $2')
        // The global TACACS+ key.
        .replace(rb(/^(tacacs-server key).*/gm), '$1 <secret hidden>')
        // Ours, after Oxidized's rules: an SNMPv3 user with an auth but no priv passphrase (its rule needs both).
        .replace(rb(/^(snmpv3 user .*auth-pass ciphertext) (?!<)\S+/gm), '$1 <auth-pass>')
        // Ours: every other secret AOS-CX stores as `ciphertext <base64>` (NTP, BGP, OSPF, dyn-authorization keys).
        .replace(rb(/(ciphertext) (?!<)\S+/g), '$1 <secret hidden>')
    );
  },
  // Oxidized's `pty_options(chars_wide: 1000)`: tables and long lines are not wrapped at 80 columns.
  terminal: { columns: 1000 },
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show environment', clean: (output, { comment }) => comment(maskEnvironment(output)) },
    { command: 'show module', clean: (output, { comment }) => comment(output) },
    { command: 'show interface transceiver', clean: (output, { comment }) => comment(output) },
    {
      command: 'show system',
      // Uptime, CPU and memory load, packet counters and low-water marks: they change without a config change.
      clean: (output, { comment }) =>
        comment(rejectLines(output, ['Up Time', 'CPU', 'Memory', /Pkts .x/, 'Lowest', 'Missed'])),
    },
    { command: 'show running-config' },
  ],
});

/** `show environment` with the readings that drift by the minute hidden, table by table; fan states stay. */
function maskEnvironment(output: string): string {
  let text = output;
  // Fan speed level and RPM; the name, product and status columns (and the direction after them) stay.
  text = withSection(text, 'fan', (rows) =>
    rows.replace(
      rb(/^((?:\S+ +){3})(slow {2}|normal|medium|fast {2}|max {3}|N\/A {3}) (.*?)\d+ +$/gm),
      '$1<speed> $3<rpm>',
    ),
  );
  // Instant and average power drawn per member or module (`N/A` where a PSU reports no output), and the total.
  text = withSection(text, 'power-consumption', (rows) =>
    rows
      // Instant and average power per member or module.
      .replace(rb(/^(.*?) (?:\d+\.\d+ +)+\d+\.\d+(?: +N\/A)*$/gm), '$1 <power hidden>')
      // The total power drawn.
      .replace(rb(/^(Total Power Consumption +)\d+\.\d+$/gm), '$1<power hidden>'),
  );
  // Power used per module and the chassis totals (6400/8400 chassis).
  text = withSection(text, 'power-allocation', (rows) => rows.replace(rb(/^(.*) \d+ W$/gm), '$1 <power>'));
  // Present and average input voltage of each PSU.
  text = withSection(text, 'power-supply input-voltage', (rows) =>
    rows.replace(rb(/^((?:\S+ +){3}\d+-\d+ +)\d+\.\d+ +\d+\.\d+/gm), '$1<voltage hidden>'),
  );
  // Sensor temperatures.
  text = withSection(text, 'temperature', (rows) => rows.replace(rb(/^(.*) -?\d+\.\d+ C (.*)$/gm), '$1 <hidden>$2'));
  return text;
}

/**
 * Rewrites the rows of one `show environment <section>` table: from the first dashed rule after the title to
 * the next `show environment` title (or the end). Only the first such section, as Oxidized's `sub!`; the title
 * is matched as a prefix and the rule may lie in a later table when the section has none, exactly as there.
 */
function withSection(text: string, section: string, mask: (rows: string) => string): string {
  const pattern = new RegExp(
    `(show environment ${section}[\\s\\S]*?-{10,}\\n)([\\s\\S]*?)(?=\\nshow environment|(?![\\s\\S]))`,
  );
  return text.replace(pattern, (_, header: string, rows: string) => header + mask(rows));
}
