/**
 * Cisco NX-OS. Same commands and stored bytes as Oxidized's `nxos` model: a `! `-commented version and
 * inventory header (plain `show inventory` on releases without `show inventory all`), then the running config.
 */
import { cutBoth, linesOf, rb, takeWhile } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoNxosPlugin = defineShellPlugin({
  key: 'cisco_nxos',
  oxidizedModel: 'nxos',
  friendlyName: 'Cisco NX-OS',
  description: 'Running config plus version and inventory header, over an SSH shell.',
  prompt: /^(\r?[\w.@_()-]+#\s?)$/m,
  commentPrefix: '! ',
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets(config) {
    return (
      config
        // SNMP communities are passwords.
        .replace(rb(/^(snmp-server community).*/gm), '$1 <secret hidden>')
        // SNMPv3 auth and priv keys (localized or not), keeping the algorithms.
        .replace(
          rb(/^(snmp-server user \S+ \S+ auth \S+) \S+ (priv \S+) \S+ /gm),
          '$1 <secret hidden> $2 <secret hidden> ',
        )
        // The community (or v3 user) a trap host is sent with, keeping a UDP port after it.
        .replace(rb(/^(snmp-server host.*? )\S+( udp-port \d+)?$/gm), '$1<secret hidden>$2')
        // Communities mapped to SNMPv3 contexts.
        .replace(rb(/^(snmp-server mib community-map) \S+ ?(.*)/gm), '$1 <secret hidden> $2')
        // Typed passwords anywhere (users, BGP neighbours, OSPF, HSRP).
        .replace(rb(/(password \d+) (\S+)/g), '$1 <secret hidden>')
        // RADIUS and TACACS+ shared keys, global and per host.
        .replace(rb(/^(radius-server .*key(?: \d+)?) \S+/gm), '$1 <secret hidden>')
        // TACACS+ keys.
        .replace(rb(/^(tacacs-server .*key(?: \d+)?) \S+/gm), '$1 <secret hidden>')
        // Ours from here: secrets Oxidized's rules leave in the clear; `(?!<)` leaves its placeholders alone.
        // SNMPv3 keys its rule misses: auth only, DES priv, or no text after the priv key.
        .replace(rb(/^(snmp-server user \S+ (?:\S+ )?auth \S+) (?!<)\S+/gm), '$1 <secret hidden>')
        // SNMPv3 privacy keys.
        .replace(rb(/^(snmp-server user .* priv(?: aes-128)?) (?!<)(?!aes-128 )\S+/gm), '$1 <secret hidden>')
        // Key-chain keys (`key-string 7 …`).
        .replace(rb(/^(\s+key-string(?: \d)?) (?!<)\S+/gm), '$1 <secret hidden>')
        // OSPF interface keys.
        .replace(
          rb(/^(\s+ip ospf (?:authentication-key|message-digest-key \d+ md5)(?: \d)?) (?!<)\S+/gm),
          '$1 <secret hidden>',
        )
        // HSRP and VRRP authentication strings.
        .replace(rb(/^(\s+authentication (?:text|md5 key-string(?: \d)?)) (?!<)\S+/gm), '$1 <secret hidden>')
        // NTP authentication keys (`ntp authentication-key 1 md5 <key> 7`).
        .replace(rb(/^(ntp authentication-key \d+ \S+) (?!<)\S+/gm), '$1 <secret hidden>')
    );
  },
  commands: [
    {
      command: 'show version',
      clean(output, { comment }) {
        // Uptime, reset history and free bootflash space change by themselves: keep what comes before them.
        const stable = takeWhile(
          linesOf(output),
          (line) => !/uptime|bootflash:\s+\d+\skB|sysmgrcli_show_flash_size/i.test(line),
        );
        return comment(`${stable.join('')}\n`);
      },
    },
    {
      command: 'show inventory all',
      // Releases without `all` reject it; plain `show inventory` lists the modules there (without optics).
      fallback: { ifOutputMatches: rb(/^% Invalid .* at '\^' marker\./), command: 'show inventory' },
      clean: (output, { comment }) => comment(output),
    },
    {
      command: 'show running-config',
      clean: (output) =>
        output
          // A `show run…` command line left in the output (an echo the cut missed) becomes a comment.
          // (`[^\n]` rather than `.`: some releases end lines with `\r\r\n`, and Ruby's `.` takes the `\r`.)
          .replace(rb(/^(show run[^\n]*)/gm), '! $1')
          // The generation timestamp, different on every run.
          .replace(rb(/^!Time:[^\n]*\n/gm), '')
          // A prompt echoed inside the output (NX-OS redraws it on some releases).
          .replace(rb(/^[\w.@_()-]+#[^\n]*/gm), ''),
    },
  ],
});
