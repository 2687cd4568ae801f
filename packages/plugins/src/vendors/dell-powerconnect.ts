/**
 * Dell PowerConnect and Dell Networking OS6 (N-series) switches. Same commands and stored bytes as Oxidized's
 * `powerconnect` model: version and system (temperatures masked, stack blocks skipped) as `! ` comments,
 * then the running config.
 */
import { cutTail, linesOf, rb, rubyStrip, splitLines } from '../runtime/cleanup.js';
import { answerShellLogin, promptOrShellLogin } from '../runtime/shell-login.js';
import { defineShellPlugin, enableLogin, enableOption, type PostSession } from '../runtime/shell-plugin.js';

/** Carriage returns the switch echoes, then the trailing prompt (the command echo stays, as in Oxidized). */
function cleanAll(output: string): string {
  return cutTail(output.replace(/\r+/g, ''));
}

/**
 * `show system` as Oxidized's `clean`: on a stack, the uptime, temperature, power-supply and fan blocks
 * (each up to its blank line) go; elsewhere temperatures in a table are written as `XXX` under their column;
 * lines are stripped and the uptime line dropped.
 */
function cleanSystem(output: string, stackable: boolean, comment: (text: string) => string): string {
  const out: string[] = [];
  let len1 = 0;
  let len2 = 0;
  let skipBlocks = 0;
  for (const raw of linesOf(output)) {
    if (stackable && rb(/Up\sTime|Temperature|Power Suppl(ies|y)|Fans/i).test(raw)) {
      // A block whose title line holds a colon has one more blank line before its end.
      skipBlocks = raw.includes(':') ? 2 : 1;
    }
    if (skipBlocks > 0) {
      if (!/[^ \t\r\n\f\v]/.test(raw)) skipBlocks -= 1;
      continue;
    }
    let line = rubyStrip(raw);
    // The latest dashed rule under a two-column header gives the column widths.
    const rule = /^(---+ +)(---+ +)/.exec(line);
    if (rule) {
      len1 = (rule[1] ?? '').length;
      len2 = (rule[2] ?? '').length;
    }
    // A unit number and a temperature reading: the reading becomes `XXX`, aligned under its column.
    const reading = /^(\d{1,2}) {3,}\d+ (.*)$/.exec(line);
    if (reading) {
      const unit = reading[1] ?? '';
      line = `${unit}${' '.repeat(len1 - unit.length)}XXX${' '.repeat(len2 - 3)}${reading[2] ?? ''}`;
    }
    out.push(line);
  }
  // The system uptime changes on every run.
  const kept = out.filter((line) => !rb(/Up\sTime/).test(line));
  return `${comment(kept.join('\n'))}\n`;
}

/** `show system` (cleaned per whether `show version` showed a stack) and the running config. */
async function systemAndConfig({ run, rawOutputOf, comment }: PostSession): Promise<string> {
  const stackable = /(U|u)nit\s/.test(cleanAll(rawOutputOf('show version') ?? ''));
  const system = cleanSystem(await run('show system'), stackable, comment);
  // The sFlow receiver's timeout counts down.
  const config = (await run('show running-config')).replace(
    rb(/^(sflow \S+ destination owner \S+ timeout )\d+$/),
    '! $1<timeout>',
  );
  return system + config;
}

/** `console#`, `N3048P(config)#`; the hostname may contain spaces. */
const cliPrompt = rb(/^([\w\s.@-]+(\(\S*\))?[#>]\s?)$/);
/** Oxidized's `username`/`password`, asked over TELNET and, without SSH user authentication, inside the shell. */
const shellLogin = { username: rb(/^User( Name)?:/), password: rb(/^\r?Password:/) };
const enable = enableLogin('enable', /[pP]assword:/);

export const dellPowerconnectPlugin = defineShellPlugin({
  key: 'dell_powerconnect',
  oxidizedModel: 'powerconnect',
  friendlyName: 'Dell PowerConnect / Networking OS6 (N-series)',
  description: 'Running config plus version and system information, over an SSH shell.',
  // The CLI prompt, or the user name / password questions the switch may ask inside the shell.
  prompt: promptOrShellLogin(cliPrompt, shellLogin),
  commentPrefix: '! ',
  telnetLogin: shellLogin,
  expects: [
    // The pager and the blank line above it: press space and drop them.
    { pattern: rb(/\n\s*--More--\s+.*/), send: ' ' },
  ],
  options: [enableOption],
  // The in-shell login when the switch asks for one, then the enable step.
  async login(session) {
    await answerShellLogin(session, cliPrompt, shellLogin);
    await enable?.(session);
  },
  postLogin: ['terminal datadump', 'terminal length 0'],
  logout: ['exit', 'logout'],
  cleanAll,
  maskSecrets: (output) =>
    output
      // Enable, user and line passwords, with their `level N` / `encrypted` qualifiers kept.
      .replace(rb(/^((?:enable |username \S+ )?password (?:level\s\d{1,2} |encrypted ){0,2})\S+(.*)/g), '$1<hidden>$2')
      // The global TACACS+ key.
      .replace(rb(/^(tacacs-server key) \S+/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: SNMP communities, RADIUS keys and per-host TACACS+ keys it leaves.
      // SNMP communities.
      .replace(rb(/^(snmp-server community(?: encrypted)?) \S+/g), '$1 <secret hidden>')
      // RADIUS keys.
      .replace(rb(/^(radius(?:-server)? key(?: encrypted)?) \S+/g), '$1 <secret hidden>')
      // Per-host TACACS+ and RADIUS keys on their own line.
      .replace(rb(/^(\s*key(?: encrypted| \d)?) (?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      // Without the uptime line; one final newline.
      clean: (output, { comment }) =>
        comment(
          `${splitLines(output)
            .filter((line) => !rb(/Up\sTime/).test(line))
            .join('\n')}\n`,
        ),
    },
  ],
  // `show system` depends on `show version` (stack or not), so it runs here, followed by the config.
  post: systemAndConfig,
});
