/**
 * D-Link next-generation CLI switches (DXS-1210, DGS-1250/1510/3630). Same commands and stored bytes as
 * Oxidized's `dlinknextgen` model: switch facts (without the clock), version and VLANs as `# ` comments, then
 * the running config with communities, user passwords, uptime and SNTP time masked (always, as in Oxidized).
 */
import { linesOf, rb, rubyRstrip } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const dlinkNextgenPlugin = defineShellPlugin({
  key: 'dlink_nextgen',
  oxidizedModel: 'dlinknextgen',
  friendlyName: 'D-Link next-generation CLI switch (DXS/DGS)',
  description: 'Running config plus switch facts, version and VLANs, over an SSH shell.',
  // `DXS-1210-12SC#`, `Switch>`.
  prompt: rb(/[\w.@()/-]+[#>]\s?$/),
  commentPrefix: '# ',
  telnetLogin: {
    username: rb(/\r*([\w\s.@()/:-]+)?([Uu]ser[Nn]ame|[Ll]ogin):/),
    password: rb(/\r*[Pp]ass[Ww]ord:/),
  },
  postLogin: ['terminal length 0', 'terminal width 255'],
  logout: ['logout'],
  cleanAll: (output) =>
    // NUL bytes (they make the file look binary), then the echo, the line after it and the prompt; carriage
    // returns and trailing blanks of every line.
    `${linesOf(output.replace(/\0/g, ''))
      .slice(2, -1)
      .map((line) => rubyRstrip(line.replace(/\r/g, '')))
      .join('\n')}\n`,
  maskSecrets: (output) =>
    output
      // Passwords to the end of the line, SNMP groups and communities.
      .replace(rb(/(password) (\S+).*/g), '$1 <secret hidden>')
      // SNMP group names.
      .replace(rb(/(snmp-server group) (\S+) (v.*)/g), '$1 <secret hidden> $3')
      // SNMP communities.
      .replace(rb(/(snmp-server community) (\S+) (v.*)/g), '$1 <secret hidden> $3'),
  commands: [
    {
      command: 'show switch',
      // The clock.
      clean: (output, { comment }) => comment(output.replace(rb(/^\s+System Time\s.+/g), '')),
    },
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show vlan', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      clean: (output) =>
        output
          // Communities and user passwords (always), uptime and SNTP time, PPP passwords.
          .replace(rb(/^(snmp-server community ["\w]+) \S+/g), '$1 <removed>')
          // User passwords.
          .replace(rb(/^(username [\w.@-]+ privilege \d{1,2} password \d{1,2}) \S+/g), '$1 <removed>')
          // The uptime.
          .replace(rb(/^(!System Up Time).*/g), '$1 <removed>')
          // The SNTP clock.
          .replace(rb(/^(!Current SNTP Synchronized Time:).*/g), '$1 <removed>')
          // PPP CHAP/PAP passwords.
          .replace(rb(/^(\s+ppp (chap|pap) password \d) .+/g), '$1 <secret hidden>'),
    },
  ],
});
