/** HPE Aruba AOS-CX. Same commands and stored bytes as Oxidized's `aoscx` model. */
import { cutBoth, linesOf } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const arubaAoscxPlugin = defineShellPlugin({
  key: 'aruba_aoscx',
  oxidizedModel: 'aoscx',
  friendlyName: 'Aruba AOS-CX',
  description: 'Running config plus version, environment, module, transceiver and system header, over an SSH shell.',
  // SSH prompts may start with `\r`; telnet-style ones are wrapped in VT100 cursor moves.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is part of the prompt.
  prompt: /(^\r|\x1b\[24;[0-9][hH])?([\w\s.-]+[#>] )($|(\x1b\[24;[0-9][0-9]?[hH]){3})/m,
  commentPrefix: '! ',
  expects: [
    // VT100 "delete line / insert line" and "next line" sequences stand for a line break.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching VT100 sequences is the point.
    { pattern: /(\x1b\[1M\x1b\[\??\d+(;\d+)*[A-Za-z]\x1b\[1L)|(\x1bE)/g, replaceWith: '\n' },
    // Every other VT100 control sequence (cursor moves, colours).
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching VT100 sequences is the point.
    { pattern: /\x1b\[\??\d+(;\d+)*[A-Za-z]/g },
    // The pager, and the stack-member question some commands ask.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the pager prompt may carry VT100 sequences.
    { pattern: /Press any key to continue(\x1b\[\??\d+(;\d+)*[A-Za-z])*$/, send: ' ' },
    { pattern: /Enter switch number/, send: '\n' },
  ],
  postLogin: ['no page'],
  logout: ['exit'],
  cleanAll(output) {
    return (
      // The echo and the prompt.
      cutBoth(output)
        // The `\r` that starts prompt-redrawn lines.
        .replace(/^\r/gm, '')
        // VT100 sequences from older switches that slipped past the expect rules.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching VT100 sequences is the point.
        .replace(/\x1b\[\??\d+(;\d+)*[A-Za-z]/g, '')
        // PSU power readings change from one minute to the next.
        .replace(/^(.*AC [0-9]{3}V\/?([0-9]{3}V)?) *([0-9]{1,3}) (.*)/gm, '$1 <removed> $4')
    );
  },
  maskSecrets(config) {
    return (
      config
        // SNMP communities are passwords.
        .replace(/^(snmp-server community) \S+(.*)/gm, '$1 <secret hidden> $2')
        // The community a trap/inform host is sent with (`... trap version v2c community <community>`).
        .replace(/^(snmp-server host \S+ .*community) \S+(.*)/gm, '$1 <secret hidden>$2')
        // RADIUS shared keys, per host and global.
        .replace(/^(radius-server host \S+ key) \S+(.*)/gm, '$1 <secret hidden> $2')
        .replace(/^(radius-server key).*/gm, '$1 <configuration removed>')
        // TACACS+ shared keys, per host and global.
        .replace(/^(tacacs-server host \S+ key) \S+(.*)/gm, '$1 <secret hidden> $2')
        .replace(/^(tacacs-server key).*/gm, '$1 <secret hidden>')
    );
  },
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show environment', clean: (output, { comment }) => comment(maskEnvironment(output)) },
    { command: 'show module', clean: (output, { comment }) => comment(output) },
    { command: 'show interface transceiver', clean: (output, { comment }) => comment(output) },
    {
      command: 'show system',
      clean(output, { comment }) {
        // Uptime, CPU and memory load, packet counters and low-water marks: they change without a config change.
        const kept = linesOf(output).filter((line) => !/Up Time|CPU|Memory|Pkts .x|Lowest|Missed/.test(line));
        return comment(kept.join(''));
      },
    },
    { command: 'show running-config' },
  ],
});

/** `show environment` with the readings that drift by the minute replaced, table by table. */
function maskEnvironment(output: string): string {
  let text = output;
  // Fan speed level and RPM; `N/A` rows (fixed-speed fans) have no reading to hide.
  text = withSection(text, 'fan', (rows) =>
    rows.replace(/^(.*)(slow|normal|medium|fast|max|N\/A) +(.*?)\d+ +$/gm, '$1<speed>  $3<rpm>'),
  );
  // Present and average input voltage of each PSU.
  text = withSection(text, 'power-supply input-voltage', (rows) =>
    rows.replace(/^(\S+ +\S+ +\S+ +\S+ +)\d+(?:\.\d+)? +\d+(?:\.\d+)?(?= )/gm, '$1<voltage hidden>'),
  );
  // Instant and average power drawn per member.
  text = withSection(text, 'power-consumption', (rows) =>
    rows.replace(/^(.*?) (?:\d+\.\d+ +)+\d+\.\d+$/gm, '$1 <power hidden>'),
  );
  // Power used per module and the chassis totals (6400/8400 chassis).
  text = withSection(text, 'power-allocation', (rows) => rows.replace(/^(.*) \d+ W$/gm, '$1 <power>'));
  // Sensor temperatures.
  text = withSection(text, 'temperature', (rows) => rows.replace(/^(.*) -?\d+\.\d+ C (.*)$/gm, '$1 <hidden>$2'));
  return text;
}

/**
 * Rewrites the rows of one `show environment <section>` table: from the first dashed rule after the
 * section's title to the next section (or the end). Only the first such section, as Ruby's `sub!`.
 */
function withSection(text: string, section: string, mask: (rows: string) => string): string {
  const escaped = section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    `(show environment ${escaped}(?![\\w-])[\\s\\S]*?-{10,}\\n)([\\s\\S]*?)(?=\\nshow environment|(?![\\s\\S]))`,
  );
  return text.replace(pattern, (_, header: string, rows: string) => header + mask(rows));
}
