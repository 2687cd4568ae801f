/**
 * Extreme Networks ExtremeXOS switches (Summit X440/X460/X670/X690, stacks). Same commands and stored bytes
 * as Oxidized's `xos` model: version, diagnostics, licences and switch facts as `# ` comments, the
 * configuration, then the policies.
 */
import { linesOf, rb, rejectLines, rubyRstrip } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

const prompt = rb(/^\s?\*?\s?[-\w]+\s?[-\w.~]+(:\d+)? [#>] $/);

export const extremeXosPlugin = defineShellPlugin({
  key: 'extreme_xos',
  oxidizedModel: 'xos',
  friendlyName: 'Extreme Networks ExtremeXOS',
  description: 'Configuration plus version, diagnostics, licences, switch facts and policies, over an SSH shell.',
  // `x460-core.1 # `, `* Slot-1 stack.3 # ` (the star: unsaved changes).
  prompt,
  commentPrefix: '# ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^login:/), password: rb(/^\r*password:/) },
  // Paging off for this session; releases without the `session` keyword take the plain command.
  async login({ run }) {
    const answer = await run('disable clipaging session');
    if (!rb(/^disable clipaging session\n\r?\*?\s?[-\w]+\s?[-\w.~]+(:\d+)? [#>] $/).test(answer)) {
      await run('disable clipaging');
    }
  },
  // Log out and do not save the configuration.
  logout: ['exit', 'n'],
  // The echo and the prompt; stray carriage returns and trailing blanks on every line.
  cleanAll: (output) =>
    `${linesOf(output)
      .slice(1, -1)
      .map((line) => rubyRstrip(line.replace(/\r/g, '')))
      .join('\n')}\n`,
  maskSecrets: (output) =>
    output
      // RADIUS shared secrets (network login and management access).
      .replace(
        rb(
          /^(configure (radius|radius-accounting) (netlogin|mgmt-access) (primary|secondary) shared-secret encrypted).+/g,
        ),
        '$1 <secret hidden>',
      )
      // The admin password hash, and other accounts' hashes.
      .replace(rb(/^(configure account admin encrypted).+/g), '$1 <secret hidden>')
      // Other accounts' password hashes.
      .replace(rb(/^(create account (admin|user) (.+) encrypted).+/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: TACACS+ shared secrets, which it leaves.
      .replace(
        rb(/^(configure tacacs(?:-accounting)? (primary|secondary) shared-secret encrypted).+/g),
        '$1 <secret hidden>',
      )
      // Ours: SNMPv3 communities (`encrypted "<community>" name encrypted "<name>"`) and user keys.
      .replace(rb(/^configure snmpv3 add community .*$/g), (line) =>
        line.replace(/(encrypted) "[^"]*"/g, '$1 "<secret hidden>"'),
      )
      // SNMPv3 localized, auth and privacy keys.
      .replace(rb(/(localized-key|auth-encryption-key|privacy-encryption-key) \S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show diagnostics', clean: (output, { comment }) => comment(output) },
    { command: 'show licenses', clean: (output, { comment }) => comment(output) },
    {
      command: 'show switch',
      // Clock, boot time and count, booted image, and the periodic-save schedule, which change without a
      // config change.
      clean: (output, { comment }) =>
        comment(rejectLines(output.replace(rb(/Next periodic save on.*/g), ''), [/Time:/, /boot/i, /Next periodic/])),
    },
    {
      command: 'show configuration',
      // The `Configuration generated <date>` header line.
      clean: (output) => rejectLines(output, [/^#(\s[\w -]+\s)(Configuration generated)/]),
    },
    { command: 'show policy detail', clean: (output, { comment }) => comment(output) },
  ],
});
