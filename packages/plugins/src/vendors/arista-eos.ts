/**
 * Arista EOS. Same commands and stored bytes as Oxidized's `eos` model: the inventory as a `! `-commented
 * header, then the running config. EOS accepts only keyboard-interactive logins by default; the SSH transport
 * answers those with the password.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

export const aristaEosPlugin = defineShellPlugin({
  key: 'arista_eos',
  oxidizedModel: 'eos',
  completeWhen: /^end$/m, // `show running-config` always ends with `end`
  friendlyName: 'Arista EOS',
  description: 'Running config plus inventory header, over an SSH shell.',
  prompt: /^.+[#>]$/m,
  commentPrefix: '! ',
  options: [enableOption],
  // Privileged mode only when asked for (`enable=true` needs no password); only then is paging turned off too,
  // as in Oxidized: the commands themselves say `| no-more`.
  async login({ run, target }) {
    const enable = enableVar(target);
    if (enable === false) return;
    if (enable === true) await run('enable', /^.+[#>]\s?$/);
    else {
      await run('enable', /[pP]assword:\s?$/);
      await run(enable, /^.+[#>]\s?$/);
    }
    await run('terminal length 0');
  },
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets(config) {
    return (
      config
        // SNMP communities are passwords.
        .replace(rb(/^(snmp-server community).*/gm), '$1 <configuration removed>')
        // The community (or v3 user) a trap or inform host is sent with.
        .replace(
          rb(
            /^(snmp-server host \S+( vrf \S+)?( informs?| traps?)?( version (1|2c|3 (?:noauth|auth|priv)))?) \S+(.*)/gm,
          ),
          '$1 <secret hidden>$6',
        )
        // Hashed user and enable secrets (`secret sha512 …`).
        .replace(rb(/(secret \w+) (\S+).*/g), '$1 <secret hidden>')
        // Typed passwords (`password 7 …`): BGP neighbours, users, OSPF.
        .replace(rb(/(password \d+) (\S+).*/g), '$1 <secret hidden>')
        // Whatever follows `enable secret` / `enable password` (hash type included).
        .replace(rb(/^(enable (?:secret|password)).*/gm), '$1 <configuration removed>')
        // The licence key that unlocks third-party optics.
        .replace(rb(/^(service unsupported-transceiver).*/gm), '$1 <license key removed>')
        // TACACS+ and RADIUS shared keys.
        .replace(rb(/^(tacacs-server key \d+).*/gm), '$1 <configuration removed>')
        // Per-host RADIUS keys.
        .replace(rb(/^(radius-server .+ key \d) \S+/gm), '$1 <radius secret hidden>')
        // Type-7 keys inside key chains / routing blocks (six-space indent), which are reversible.
        .replace(rb(/( {6}key) ([0-9a-fA-F]+ 7) ([0-9a-fA-F]+).*/g), '$1 <secret hidden>')
        // SNMPv3 localized keys and auth/priv passphrases.
        .replace(rb(/(localized|auth (md5|sha\d{0,3})|priv (des|aes\d{0,3})) \S+/g), '$1 <secret hidden>')
        // Ours from here: secrets Oxidized's rules leave in the clear; `(?!<)` leaves its placeholders alone.
        // The global RADIUS key (its rule needs text between `radius-server` and `key`) and per-host TACACS+ keys.
        .replace(rb(/^(radius-server key(?: \d)?) (?!<)\S+/gm), '$1 <radius secret hidden>')
        // Ours: per-host TACACS+ keys Oxidized leaves.
        .replace(rb(/^(tacacs-server host .* key(?: \d)?) (?!<)\S+/gm), '$1 <secret hidden>')
        // OSPF interface keys and IS-IS / VRRP authentication strings.
        .replace(
          rb(/^(\s+ip ospf (?:authentication-key|message-digest-key \d+ \S+)(?: \d)?) (?!<)\S+/gm),
          '$1 <secret hidden>',
        )
        // Ours: IS-IS and VRRP authentication keys and texts.
        .replace(rb(/(authentication (?:key|text)(?: \d)?) (?!<)\S+/g), '$1 <secret hidden>')
        // NTP authentication keys (`ntp authentication-key 1 md5 7 <key>`).
        .replace(rb(/^(ntp authentication-key \d+ \S+(?: \d)?) (?!<)\S+/gm), '$1 <secret hidden>')
        // Type-7 keys at any indent (MACsec profiles: `key <ckn> 7 <cak>`) and IKE pre-shared keys.
        .replace(rb(/^( +key(?: \S+)? 7) (?!<)\S+/gm), '$1 <secret hidden>')
        // Ours: IKE pre-shared keys.
        .replace(rb(/(pre-shared-key(?: \d)?) (?!<)\S+/g), '$1 <secret hidden>')
    );
  },
  commands: [
    { command: 'show inventory | no-more', clean: (output, { comment }) => comment(output) },
    // `exclude ! Time:` drops the generation timestamp, different on every run.
    { command: 'show running-config | no-more | exclude ! Time:' },
  ],
});
