/**
 * D-Link managed switches (DES/DGS-1210/3000/3100/3120/3200/3600). Same commands and stored bytes as
 * Oxidized's `dlink` model: switch facts (without clocks and uptime) and VLANs as `# ` comments, then the
 * current config.
 */
import { linesOf, rb, rubyRstrip } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

export const dlinkOsPlugin = defineShellPlugin({
  key: 'dlink_os',
  oxidizedModel: 'dlink',
  friendlyName: 'D-Link managed switch (DES/DGS)',
  description: 'Current config plus switch facts and VLANs, over an SSH shell.',
  // `DGS-3120-24TC:admin#`, `DES-3200-28:5#`.
  prompt: rb(/[\w.@()/:-]+[#>]\s?$/),
  commentPrefix: '# ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/\r*([\w\s.@()/:-]+)?([Uu]ser[Nn]ame|[Ll]ogin):/), password: rb(/\r*[Pp]ass[Ww]ord:/) },
  options: [enableOption],
  // Paging off, then (with `enable=true`) administrator level.
  async login({ run, target }) {
    await run('disable clipaging');
    if (enableVar(target) === true) await run('enable admin');
  },
  logout: ['logout'],
  // The echo, the line after it and the prompt; carriage returns and trailing blanks on every line.
  cleanAll: (output) =>
    `${linesOf(output)
      .slice(2, -1)
      .map((line) => rubyRstrip(line.replace(/\r/g, '')))
      .join('\n')}\n`,
  maskSecrets: (output) =>
    output
      // SNMP communities and group names.
      .replace(rb(/^(create snmp community) \S+/g), '$1 <removed>')
      // SNMP group names.
      .replace(rb(/^(create snmp group) \S+/g), '$1 <removed>')
      // Ours, after Oxidized's rules: account and enable-admin password hashes (`encrypt sha_1 <hash>` on the
      // line after `create account` / `config admin local_enable`) and RADIUS keys, which it leaves.
      .replace(rb(/^(encrypt \S+) \S+/g), '$1 <removed>')
      // RADIUS keys.
      .replace(rb(/^(config (?:radius|authen server_host) .* key) \S+/g), '$1 <removed>'),
  commands: [
    {
      command: 'show switch',
      // Uptime and clocks (the lines stay, empty).
      clean: (output, { comment }) =>
        comment(
          output
            // The uptime.
            .replace(rb(/^System Uptime\s.+/g), '')
            // The uptime in the other wording.
            .replace(rb(/^System up time\s.+/g), '')
            // The system clock.
            .replace(rb(/^System Time\s.+/g), '')
            // The real-time clock.
            .replace(rb(/^RTC Time\s.+/g), ''),
        ),
    },
    { command: 'show vlan', clean: (output, { comment }) => comment(output) },
    { command: 'show config current' },
  ],
});
