/**
 * FS.com (Fiberstore) FSOS switches. Same commands and stored bytes as Oxidized's `fsos` model: version as
 * `! ` comments, then the running config.
 */
import { cutHead, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const fsFsosPlugin = defineShellPlugin({
  key: 'fs_fsos',
  oxidizedModel: 'fsos',
  friendlyName: 'FS.com FSOS',
  description: 'Running config plus version, over an SSH shell.',
  prompt: /^([\w.@()-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  // The pager line: space for the next page.
  expects: [{ pattern: rb(/^ --More--.*$/), send: ' ' }],
  postLogin: ['enable', 'terminal length 0', 'terminal width 0'],
  logout: ['exit', 'exit'],
  maskSecrets: (output) =>
    output
      // Enable and user secrets.
      .replace(rb(/(secret \w+) (\S+).*/g), '$1 <secret hidden>')
      // Passwords with their encryption type.
      .replace(rb(/(password \d+) (\S+).*/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/(snmp-server community \d+) (\S+).*/g), '$1 <secret hidden>')
      // The community of a trap/inform host (the alternation is Oxidized's, kept as is).
      .replace(
        rb(
          /^(snmp-server host \S+( udp-port \d+)?( permit|deny \d+)?( informs?)?( traps?)?(( version v3 (priv|auth|noauth))|( version (v1|v2c))?)) +\S+( .*)?$/g,
        ),
        '$1 <secret hidden>',
      )
      // SNMPv3 user auth/priv keys.
      .replace(
        rb(
          /^(snmp-server user \S+ \S+ v3( priv (des|aes128|aes256|aes256-c))?( auth (md5|sha|sha256) \d+)) +\S+( .*)?$/g,
        ),
        '$1 <secret hidden>',
      )
      // Any other typed key (TACACS+, RADIUS, NTP, routing authentication).
      .replace(rb(/^(.*key \d+) (\S+).*/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      // Uptime changes on every run.
      clean: (output, { comment }) => comment(rejectLines(output, ['uptime is', 'System uptime'])),
    },
    {
      command: 'show running-config',
      // The "Building configuration..." line, then the command echo (Oxidized's model keeps the prompts).
      clean: (output) => cutHead(output.replace(rb(/^Building configuration.*\n/g), '')),
    },
  ],
});
