/**
 * Allied Telesis AlliedWare Plus switches and routers (x230/x510/x930/SBx908, AR-series). Same commands and
 * stored bytes as Oxidized's `awplus` model: `Show System` (framed, without uptime, memory, flash and
 * software lines) as `! ` comments, then the running config.
 */
import { cutBoth, linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

const rule = '--------------------------------------------------------------------------------! \n';

/**
 * Oxidized's `Show System` block: the output framed by start/end markers and rules, then blank lines and the
 * lines that change without a config change (status, RAM, uptime, flash, software version and build date)
 * dropped.
 */
function showSystem(output: string, comment: (text: string) => string): string {
  const framed = `Starting: Show system cmd \n${rule}${output}\n \nEnding: show system cmd\n${rule} \n`;
  const kept = linesOf(framed).filter(
    (line) =>
      !(
        line === '\n' ||
        [
          /System Status\s*.*/,
          /RAM\s*:.*/,
          /Uptime\s*:.*/,
          /Flash\s*:.*/,
          /Current software\s*:.*/,
          /Software version\s*:.*/,
          /Build date\s*:.*/,
        ].some((pattern) => rb(pattern).test(line))
      ),
  );
  return comment(kept.join(''));
}

export const alliedtelesisAwplusPlugin = defineShellPlugin({
  key: 'alliedtelesis_awplus',
  oxidizedModel: 'awplus',
  friendlyName: 'Allied Telesis AlliedWare Plus',
  description: 'Running config plus system information, over an SSH shell.',
  // `awplus#`, `x930-core>`, possibly after a carriage return.
  prompt: rb(/^(\r?[\w.@:/-]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/login:\s/), password: rb(/^Password:\s/) },
  // AlliedWare Plus wants CR LF after each command.
  newline: '\r\n',
  expects: [
    // The pager, instead of `terminal length 0`: press space and drop the marker.
    { pattern: /--More--/, send: ' ' },
  ],
  options: [enableOption],
  login: enableLogin('enable', rb(/^[pP]assword:/)),
  logout: ['exit'],
  cleanAll: (output) =>
    // The pager's clear-to-end-of-line and reverse-video codes and stray carriage returns, then the echo and
    // the trailing prompt.
    cutBoth(output.replaceAll('\x1b[K', '').replaceAll('\x1b[7m\x1b[m', '').replace(/\r/g, '')),
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Local user, enable and line passwords and secrets.
      .replace(rb(/^(username \S+ privilege \d+) (\S+).*/g), '$1 <secret hidden>')
      // Local user password hashes (`password 8 …`).
      .replace(rb(/^(username \S+ password \d) (\S+)/g), '$1 <secret hidden>')
      // Local user secrets.
      .replace(rb(/^(username \S+ secret \d) (\S+)/g), '$1 <secret hidden>')
      // Enable passwords and secrets.
      .replace(rb(/^(enable (password|secret) \d) (\S+)/g), '$1 <secret hidden>')
      // Line and sub-mode passwords and secrets.
      .replace(rb(/^(\s+(?:password|secret)) (?:\d )?\S+/g), '$1 <secret hidden>')
      // The global TACACS+ key.
      .replace(rb(/^(tacacs-server key \d) (\S+)/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: RADIUS keys and per-host TACACS+ keys it leaves.
      .replace(rb(/^(radius-server (?:host \S+ .*)?key(?: \d)?) (?!<)\S+/g), '$1 <secret hidden>')
      // Ours: per-host TACACS+ keys Oxidized leaves.
      .replace(rb(/^(tacacs-server host \S+ .*key(?: \d)?) (?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'Show System', clean: (output, { comment }) => showSystem(output, comment) },
    { command: 'show running-config' },
  ],
});
