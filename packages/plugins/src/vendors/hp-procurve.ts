/**
 * HP ProCurve and Aruba-OS switches (2530, 2930F/M, 3810, 5400R; K/KA/KB/WC/YA releases). Same commands and
 * stored bytes as Oxidized's `procurve` model: version, modules, transceivers, flash and system information as
 * `! ` comments, then the running config.
 */
import { cutBoth, rb, rejectLines, splitLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

/** A VT100 control sequence (cursor moves, erase, scroll region) as ProCurve draws them around its output. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const vt100 = /\x1b\[\??\d+(?:;\d+)*[A-Za-z]/;

export const hpProcurvePlugin = defineShellPlugin({
  key: 'hp_procurve',
  oxidizedModel: 'procurve',
  friendlyName: 'HP ProCurve / Aruba-OS switch',
  description: 'Running config plus version, modules, transceivers, flash and system information, over an SSH shell.',
  // `switch# ` (or `>`), possibly after a lone CR, or wrapped in the telnet cursor moves `ESC[24;nH`.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the telnet prompt carries escape codes.
  prompt: /(^\r|\x1b\[24;[0-9][hH])?([\w\s.-]+[#>] )($|(\x1b\[24;[0-9][0-9]?[hH]){3})/m,
  commentPrefix: '! ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/Username:/), password: rb(/Password:/) },
  expects: [
    // "Next line" drawn as delete-line / cursor move / insert-line, or as `ESC E`: becomes a newline.
    {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
      pattern: /(\x1b\[1M\x1b\[\??\d+(;\d+)*[A-Za-z]\x1b\[1L)|(\x1bE)/g,
      replaceWith: '\n',
    },
    // Every other VT100 control sequence.
    { pattern: new RegExp(vt100.source, 'g') },
    // The pager that `no page` did not silence: press space; Oxidized drops everything read so far with it.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the pager line may end in escape codes.
    { pattern: /[\s\S]*Press any key to continue(\x1b\[\??\d+(;\d+)*[A-Za-z])*(?![^\n])[\s\S]*/, send: ' ' },
    // The stack-member question some commands ask: answer with Enter, dropping what was read so far.
    { pattern: /[\s\S]*Enter switch number[\s\S]*/, send: '\n' },
  ],
  options: [enableOption],
  // Oxidized types `enable` and then the password without waiting for the password prompt.
  login: enterEnableBlind,
  postLogin: ['no page'],
  // Log out, confirm, and do not save the config.
  logout: ['logout', 'y', 'n'],
  cleanAll: (output) =>
    // The command echo and the trailing prompt, then a CR starting a line (SSH prompts begin with one).
    cutBoth(output)
      // A carriage return starting a line.
      .replace(rb(/^\r/g), '')
      // VT100 control sequences older switches send over telnet.
      .replace(new RegExp(vt100.source, 'g'), '')
      // PoE/PSU power drawn (`AC 120V/240V  85 …`), which changes over time.
      .replace(rb(/^(.*AC [0-9]{3}V\/?([0-9]{3}V)?) *([0-9]{1,3}) (.*)/g), '$1 <removed> $4')
      // Error lines of commands that some models lack.
      .replace(rb(/^Invalid input: [A-Za-z-]+\n/g), ''),
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords.
      .replace(rb(/^(snmp-server community) \S+(.*)/g), '$1 <secret hidden> $2')
      // The community a trap receiver is sent with.
      .replace(rb(/^(snmp-server host \S+) \S+(.*)/g), '$1 <secret hidden> $2')
      // RADIUS shared keys, per host and global.
      .replace(rb(/^(radius-server host \S+ key) \S+(.*)/g), '$1 <secret hidden> $2')
      // The global RADIUS key.
      .replace(rb(/^(radius-server key).*/g), '$1 <configuration removed>')
      // TACACS+ shared keys, per host and global.
      .replace(rb(/^(tacacs-server host \S+ key) \S+(.*)/g), '$1 <secret hidden> $2')
      // The global TACACS+ key.
      .replace(rb(/^(tacacs-server key).*/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: the community of a `snmp-server host <ip> community "<c>"` line, where
      // Oxidized's host rule masks the word `community` and leaves the community itself.
      .replace(rb(/^(snmp-server host \S+ <secret hidden> {2})(?!<)("[^"]*"|\S+)/g), '$1<secret hidden>')
      // Ours: password hashes and SNMPv3 keys that `include-credentials` puts in the config.
      .replace(rb(/^(password \S+ user-name \S+ (?:sha1|sha256|plaintext)) \S+/g), '$1 <secret hidden>')
      // SNMPv3 auth keys.
      .replace(rb(/^(snmpv3 user \S+ auth (?:md5|sha)) \S+/g), '$1 <secret hidden>')
      // SNMPv3 privacy keys.
      .replace(rb(/^(snmpv3 user \S+ auth (?:md5|sha) <secret hidden> priv (?:des|aes)) \S+/g), '$1 <secret hidden>'),
  // Oxidized's `pty_options(chars_wide: 1000)`: long config lines are not wrapped at 80 columns.
  terminal: { columns: 1000 },
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show modules', clean: (output, { comment }) => comment(output) },
    { command: 'show interfaces transceiver', clean: (output, { comment }) => comment(output) },
    { command: 'show flash', clean: (output, { comment }) => comment(output) },
    {
      // Older releases; the last seven lines (CPU, memory and buffer figures) go, and so does the final
      // newline, as Oxidized's `split("\n")[0..-8].join("\n")`.
      command: 'show system-information',
      clean: (output, { comment }) => comment(splitLines(output).slice(0, -7).join('\n')),
    },
    {
      // Newer releases: without uptime, CPU, memory and packet-buffer figures, which change on every run.
      command: 'show system information',
      clean: (output, { comment }) =>
        comment(rejectLines(output, [rb(/(.*CPU.*)|(.*Up Time.*)|(.*Total.*)|(.*Free.*)|(.*Lowest.*)|(.*Missed.*)/)])),
    },
    { command: 'show running-config' },
  ],
});
