/**
 * Dell Networking X-Series smart managed switches (X1000, X4000). Same commands and stored bytes as Oxidized's
 * `dellx` model: version and system (stack blocks skipped) as `! ` comments, then the running config.
 */
import { linesOf, rb, rubyStrip, splitLines } from '../runtime/cleanup.js';
import { answerShellLogin, promptOrShellLogin } from '../runtime/shell-login.js';
import { defineShellPlugin, enableOption, enterEnableBlind, type PostSession } from '../runtime/shell-plugin.js';

/** The echo, then the blank line and the prompt at the end. */
function cleanAll(output: string): string {
  return linesOf(output).slice(1, -2).join('');
}

/** Oxidized's `clean`: on a stack, the uptime, temperature, power and fan blocks skipped; lines stripped. */
function cleanSystem(output: string, stackable: boolean, comment: (text: string) => string): string {
  const out: string[] = [];
  let skipBlocks = 0;
  for (const line of linesOf(output)) {
    if (stackable && rb(/Up\sTime|Temperature|Power Suppl(ies|y)|Fans/i).test(line)) {
      skipBlocks = line.includes(':') ? 2 : 1;
    }
    if (skipBlocks > 0) {
      if (!/[^ \t\r\n\f\v]/.test(line)) skipBlocks -= 1;
      continue;
    }
    out.push(rubyStrip(line));
  }
  return `${comment(out.filter((line) => !rb(/Up\sTime/).test(line)).join('\n'))}\n`;
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

/** `console#`, `x1052>`. */
const cliPrompt = /[#>]$/;
/** Oxidized's `username`/`password` under `cfg :telnet, :ssh`. */
const shellLogin = { username: rb(/[uU]ser\s?[nN]ame:$/), password: rb(/[pP]assword:$/) };

export const dellXseriesPlugin = defineShellPlugin({
  key: 'dell_xseries',
  oxidizedModel: 'dellx',
  friendlyName: 'Dell Networking X-Series',
  description: 'Running config plus version and system information, over an SSH shell.',
  prompt: promptOrShellLogin(cliPrompt, shellLogin),
  commentPrefix: '! ',
  telnetLogin: shellLogin,
  expects: [
    // The pager (`More: <space>, Quit: q …`) when it follows other text on its line: space, and the marker
    // dropped. Oxidized's possessive `(^.*)?+` makes the rule miss a pager at the very start of a line.
    { pattern: /(?<=[^\n])[mM]ore:+[^\n]*(?![^\n])/, send: ' ' },
  ],
  options: [enableOption],
  // The in-shell login when the switch asks for one, then `enable` and the password typed blind.
  async login(session) {
    await answerShellLogin(session, cliPrompt, shellLogin);
    await enterEnableBlind(session);
  },
  logout: ['logout', 'exit'],
  cleanAll,
  maskSecrets: (output) =>
    output
      // User passwords.
      .replace(rb(/^(username \S+ password (?:encrypted )?)\S+(.*)/g), '$1<hidden>$2')
      // Ours, after Oxidized's rule: SNMP communities it leaves.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>'),
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
