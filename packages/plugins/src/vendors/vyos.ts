/**
 * VyOS (and Vyatta). Same commands and stored bytes as Oxidized's `vyos` model: `show version` as a
 * `# `-commented header, then the config as `set` commands.
 * Ruby's `.` matches `\r` and JavaScript's does not: `[^\n]` stands for it in the ported patterns.
 */
import { cutBoth } from '../runtime/cleanup.js';
import { defineShellPlugin, escapeCodesExpect } from '../runtime/shell-plugin.js';

export const vyosPlugin = defineShellPlugin({
  key: 'vyos',
  oxidizedModel: 'vyos',
  friendlyName: 'VyOS',
  description: 'Configuration as set commands plus version header, over an SSH shell.',
  // `user@host:~$ ` in the shell, `user@host> ` in op mode.
  prompt: /^\S+@\S+(:~\$|>) $/m,
  commentPrefix: '# ',
  // Escape codes (colours, keypad modes) that bash and the pager draw around the prompt and output.
  expects: [escapeCodesExpect],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets(config) {
    return (
      config
        // Everything after `secret` / `password` (RADIUS/TACACS+/IPsec secrets, VRRP, BGP, user hashes).
        .replace(/secret (\S+)[^\n]*/g, 'secret <secret removed>')
        // Everything after `password`.
        .replace(/password (\S+)[^\n]*/g, 'password <secret removed>')
        // SNMP communities, and the community of each trap target.
        .replace(/snmp community (\S+)/g, 'snmp community <secret removed>')
        // Trap targets' communities.
        .replace(/snmp trap-target ([^\s\\]*) community (\S+)/g, 'snmp trap-target $1 community <secret removed>')
        // IPsec and WireGuard pre-shared keys.
        .replace(/preshared-key (\S+)[^\n]*/g, 'preshared-key <secret removed>')
        // PKI and WireGuard private keys.
        .replace(/private key (\S+)[^\n]*/g, 'private key <secret removed>')
        // Private keys written `private-key`.
        .replace(/private-key (\S+)[^\n]*/g, 'private-key <secret removed>')
        // The password in URLs such as `scp://user:password@host/` (config archive, image download).
        .replace(/([a-z]+:\/\/[^:\s]+:)\S+@/g, '$1<secret removed>@')
        // Ours from here: secrets Oxidized's rules leave in the clear; `(?!<)` leaves its placeholders alone.
        // RADIUS/TACACS+ server keys, OSPF/RIP MD5 and authentication keys, OpenVPN shared secret keys.
        .replace(/ ((?:md5-|authentication-|shared-secret-)?key) (?!<)'[^'\n]*'/g, ' $1 <secret removed>')
    );
  },
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show configuration commands | no-more' },
  ],
});
