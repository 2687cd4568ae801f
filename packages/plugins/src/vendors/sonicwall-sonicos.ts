/**
 * SonicWall SonicOS (NSA/TZ firewalls). Same commands and stored bytes as Oxidized's `sonicos` model:
 * version as `! ` comments, then the current config, both without clocks, uptime and checksums.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** Secret statements `<keyword> <type>,<value>`: the value goes, the keyword stays. */
const secretKeywords = [
  'cli ftp password default',
  'secret',
  'shared-secret',
  'password',
  'passphrase password',
  'bind-password',
  'authentication sha1',
  'encryption aes',
  'smtp-pass',
  'pop-pass',
  'sslvpn password',
  'administrator password',
  'ftp password',
  'shared-key',
  'wpa passphrase',
];

export const sonicwallSonicosPlugin = defineShellPlugin({
  key: 'sonicwall_sonicos',
  oxidizedModel: 'sonicos',
  friendlyName: 'SonicWall SonicOS',
  description: 'Current config plus version, without clocks and checksums, over an SSH shell.',
  prompt: /^\w+@[\w-]+>\(?.+\)?\s?/m,
  commentPrefix: '! ',
  // The login policy banner that must be accepted before the CLI answers.
  expects: [{ pattern: /Accept The Policy Banner \(yes\)\?\r\nyes: $/m, send: 'yes\n' }],
  postLogin: ['no cli pager session'],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => linesOf(output).slice(1, -1).join(''),
  maskSecrets(output) {
    let masked = output;
    // Each in Oxidized's order (later keywords see the placeholders of earlier ones).
    for (const keyword of secretKeywords) {
      masked = masked.replace(new RegExp(`${keyword} \\d,(\\S+)`, 'g'), `${keyword} <secret hidden> `);
    }
    return masked;
  },
  commands: [
    { command: 'show version', clean: (output, { comment }) => `${comment(withoutVolatile(output))}\n` },
    {
      command: 'show current-config',
      // Comment lines (`: …`) of the dump header.
      clean: (output) => withoutVolatile(output.replace(rb(/^: [^\n]*\n/g), '')),
    },
  ],
});

/** Lines trimmed, without dates, times, uptime and checksums (they change on every run). */
function withoutVolatile(output: string): string {
  const kept: string[] = [];
  for (const line of linesOf(output)) {
    if (/date \d{4}:\d{2}:\d{2}/.test(line)) continue;
    if (/time \d{2}:\d{2}:\d{2}/.test(line)) continue;
    if (/system-time "\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}.\d+"/.test(line)) continue;
    if (/system-uptime "(?:\s+up\s+\d+\s+|\d+ \w+(?:, \d+ \w+)*)"/.test(line)) continue;
    if (/checksum \d+/.test(line)) continue;
    kept.push(rubyStrip(line.startsWith('\r') ? line.slice(1) : line));
  }
  return `${kept.join('\n')}\n`;
}

/** Ruby's `strip`: whitespace and NUL at both ends. */
function rubyStrip(text: string): string {
  return text.replace(rb(/^[\s\0]+|[\s\0]+$/g), '');
}
