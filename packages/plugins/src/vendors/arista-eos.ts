/**
 * Arista EOS. Same commands and stored bytes as Oxidized's `eos` model: the inventory as a `! `-commented
 * header, then the running config. EOS accepts only keyboard-interactive logins by default; the SSH transport
 * answers those with the password.
 */
import { cutBoth } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const aristaEosPlugin = defineShellPlugin({
  key: 'arista_eos',
  oxidizedModel: 'eos',
  friendlyName: 'Arista EOS',
  description: 'Running config plus inventory header, over an SSH shell.',
  prompt: /^.+[#>]$/m,
  commentPrefix: '! ',
  enable: { command: 'enable', passwordPrompt: /[pP]assword:\s?$/ },
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets(config) {
    return (
      config
        // SNMP communities are passwords.
        .replace(/^(snmp-server community).*/gm, '$1 <configuration removed>')
        // The community a v1/v2c trap host is sent with. Oxidized's test data for EOS requires this mask
        // (`snmp-server host 10.1.2.3 version 1 <secret hidden>`); the rule has the shape of its IOS one.
        .replace(
          /^(snmp-server host \S+(?: vrf \S+)?(?: informs| traps)?(?: version (?:1|2c|3 (?:auth|noauth|priv)))?) +\S+(.*)$/gm,
          '$1 <secret hidden>$2',
        )
        // Hashed user and enable secrets (`secret sha512 …`).
        .replace(/(secret \w+) (\S+).*/g, '$1 <secret hidden>')
        // Typed passwords (`password 7 …`): BGP neighbours, users, OSPF.
        .replace(/(password \d+) (\S+).*/g, '$1 <secret hidden>')
        .replace(/^(enable (?:secret|password)).*/gm, '$1 <configuration removed>')
        // The licence key that unlocks third-party optics.
        .replace(/^(service unsupported-transceiver).*/gm, '$1 <license key removed>')
        // TACACS+ and RADIUS shared keys.
        .replace(/^(tacacs-server key \d+).*/gm, '$1 <configuration removed>')
        .replace(/^(radius-server .+ key \d) \S+/gm, '$1 <radius secret hidden>')
        // Type-7 keys inside key chains / routing blocks (six-space indent), which are reversible.
        .replace(/( {6}key) ([0-9a-fA-F]+ 7) ([0-9a-fA-F]+).*/g, '$1 <secret hidden>')
        // SNMPv3 localized keys and auth/priv passphrases.
        .replace(/(localized|auth (md5|sha\d{0,3})|priv (des|aes\d{0,3})) \S+/g, '$1 <secret hidden>')
    );
  },
  commands: [
    { command: 'show inventory | no-more', clean: (output, { comment }) => comment(output) },
    // `exclude ! Time:` drops the generation timestamp, different on every run.
    { command: 'show running-config | no-more | exclude ! Time:' },
  ],
});
