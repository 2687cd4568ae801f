/**
 * VyOS (and Vyatta). Same commands and stored bytes as Oxidized's `vyos` model: version and the last
 * commits as a `# `-commented header, then the config as `set` commands.
 */
import { cutBoth, linesOf } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const vyosPlugin = defineShellPlugin({
  key: 'vyos',
  oxidizedModel: 'vyos',
  friendlyName: 'VyOS',
  description: 'Configuration as set commands plus version and recent commits header, over an SSH shell.',
  // `user@host:~$ ` in the shell, `user@host> ` in op mode.
  prompt: /^\S+@\S+(:~\$|>) $/m,
  commentPrefix: '# ',
  expects: [
    // ANSI escape sequences (CSI and `ESC =` / `ESC >` keypad modes) that bash draws around the prompt,
    // with the carriage returns next to them.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
    { pattern: /\r?\x1b(?:\[[0-?]*[ -/]*[@-~]|[=>])\r?/g },
  ],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets(config) {
    return (
      config
        // Everything after `secret` / `password` (RADIUS/TACACS+ secrets, user password hashes).
        .replace(/secret (\S+).*/g, 'secret <secret removed>')
        .replace(/password (\S+).*/g, 'password <secret removed>')
        // SNMP communities, and the community of each trap target.
        .replace(/snmp community (\S+)/g, 'snmp community <secret removed>')
        .replace(/snmp trap-target ([^\s\\]*) community (\S+)/g, 'snmp trap-target $1 community <secret removed>')
        // IPsec pre-shared keys.
        .replace(/preshared-key (\S+).*/g, 'preshared-key <secret removed>')
        // WireGuard and certificate private keys.
        .replace(/private key (\S+).*/g, 'private key <secret removed>')
        .replace(/private-key (\S+).*/g, 'private-key <secret removed>')
        // The password in URLs such as `scp://user:password@host/` (config archive, image download).
        .replace(/([a-z]+:\/\/[^:\s]+:)\S+@/g, '$1<secret removed>@')
    );
  },
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    {
      command: 'show system commit',
      // The four most recent commits: who changed the config and when, without the whole history.
      clean: (output, { comment }) => comment(`Last commits:\n${linesOf(output).slice(0, 4).join('')}`),
    },
    { command: 'show configuration commands | no-more' },
  ],
});
