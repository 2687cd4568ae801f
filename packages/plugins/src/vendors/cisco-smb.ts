/**
 * Cisco Small Business switches (SG200/300/350/500/550X, CBS250/350, ESW2). Same commands and stored bytes as
 * Oxidized's `ciscosmb` model: version and boot variables as `! ` comments, then the running config.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { answerShellLogin, promptOrShellLogin } from '../runtime/shell-login.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

/** `switch01#`, `sg350(config)#`, possibly after a carriage return. */
const cliPrompt = rb(/^\r?([\w.@()-]+[#>]\s?)$/);
/** Oxidized's `username`/`password`, asked over TELNET and, without SSH user authentication, inside the shell. */
const shellLogin = { username: rb(/User ?[nN]ame:/), password: rb(/^\r?Password:/) };
const enable = enableLogin('enable', rb(/^\r?Password:$/));

export const ciscoSmbPlugin = defineShellPlugin({
  key: 'cisco_smb',
  oxidizedModel: 'ciscosmb',
  friendlyName: 'Cisco Small Business (SG/CBS) switch',
  description: 'Running config plus version and boot variables, over an SSH shell.',
  // The CLI prompt, or the user name / password questions the switch may ask inside the shell.
  prompt: promptOrShellLogin(cliPrompt, shellLogin),
  commentPrefix: '! ',
  telnetLogin: shellLogin,
  expects: [
    // The password-expiry question at login: answer N (keep it) and drop what was read so far.
    { pattern: /[\s\S]*Your password has exceeded the maximum lifetime[\s\S]*/, send: 'N' },
  ],
  options: [enableOption],
  // The in-shell login when the switch asks for one, then the enable step.
  async login(session) {
    await answerShellLogin(session, cliPrompt, shellLogin);
    await enable?.(session);
  },
  // No pager, no line wrapping.
  postLogin: ['terminal datadump', 'terminal width 0', 'terminal len 0'],
  // `exit` only returns to the previous privilege level, so twice.
  logout: ['exit', 'exit'],
  cleanAll(output) {
    // The echo and the trailing prompt; then a carriage return starting the first line.
    const lines = linesOf(output).slice(1, -1);
    if (lines[0]?.startsWith('\r')) lines[0] = lines[0].slice(1);
    return lines.join('');
  },
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Whole `username … privilege N <hash>` tails.
      .replace(rb(/username (\S+) privilege (\d+) (\S+).*/g), '<secret hidden>')
      // User and enable password hashes.
      .replace(rb(/^(username \S+ password encrypted) \S+(.*)/g), '$1 <secret hidden> $2')
      // Enable password hashes.
      .replace(rb(/^(enable password level \d+ encrypted) \S+/g), '$1 <secret hidden>')
      // RADIUS and TACACS+ keys, global and per host.
      .replace(rb(/^(encrypted radius-server key).*/g), '$1 <configuration removed>')
      // Per-host RADIUS keys.
      .replace(rb(/^(encrypted radius-server host .+ key) \S+(.*)/g), '$1 <secret hidden> $2')
      // The global TACACS+ key.
      .replace(rb(/^(encrypted tacacs-server key).*/g), '$1 <secret hidden>')
      // Per-host TACACS+ keys.
      .replace(rb(/^(encrypted tacacs-server host .+ key) \S+(.*)/g), '$1 <secret hidden> $2')
      // SNTP authentication keys.
      .replace(rb(/^(encrypted sntp authentication-key \d+ md5) .*/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: encrypted SNMP communities and SNMPv3 user keys it leaves.
      .replace(rb(/^(encrypted snmp-server community) \S+/g), '$1 <secret hidden>')
      // Ours: SNMPv3 user auth keys.
      .replace(rb(/^(encrypted snmp-server user .* auth (?:md5|sha)) \S+/g), '$1 <secret hidden>')
      // Ours: SNMPv3 user privacy keys.
      .replace(rb(/^(encrypted snmp-server user .* priv) \S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      clean: (output, { comment }) =>
        comment(
          output
            // Uptime lines, which change on every run.
            .replace(rb(/.*Uptime for this control.*/g), '')
            // The restart time.
            .replace(rb(/.*System restarted.*/g), '')
            // The uptime.
            .replace(rb(/uptime is .+/g), '<uptime removed>'),
        ),
    },
    { command: 'show bootvar', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config',
      clean: (output) =>
        output
          // The size header.
          .replace(rb(/^Current configuration : [^\n]*\n/g), '')
          // The NTP clock period, which the switch recalculates.
          .replace(rb(/^(ntp clock-period).*/), '! $1')
          // Oxidized's MPLS auto-bandwidth rule, kept as its extended regex reads (spaces ignored), so as it
          // behaves there.
          .replace(rb(/^tunnelmplstraffic-engbandwidth[^\n]*\n*((?:[^\n]*\n*)*tunnelmplstraffic-engauto-bw)/g), '$1'),
    },
  ],
});
