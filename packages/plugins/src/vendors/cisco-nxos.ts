/** Cisco NX-OS. Same commands and stored bytes as Oxidized's `nxos` model. */
import { cutBoth, linesOf, takeWhile } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoNxosPlugin = defineShellPlugin({
  key: 'cisco_nxos',
  oxidizedModel: 'nxos',
  friendlyName: 'Cisco NX-OS',
  description: 'Running config plus version and inventory header, over an SSH shell.',
  prompt: /^(\r?[\w.@_()-]+[#]\s?)$/m,
  commentPrefix: '! ',
  postLogin: ['terminal length 0'],
  logout: ['exit'],
  cleanAll(output) {
    // The echo and the prompt first (NX-OS draws the prompt after a lone `\r`), then the `\r`s of
    // `\r\r\n` line ends.
    return cutBoth(output).replace(/\r\n?/g, '\n');
  },
  maskSecrets(config) {
    return (
      config
        // SNMP communities are passwords.
        .replace(/^(snmp-server community).*/gm, '$1 <configuration removed>')
        // SNMPv3 auth and priv keys.
        .replace(/^(snmp-server user (\S+) (\S+) auth (\S+)) (\S+) (priv) (\S+)/gm, '$1 <configuration removed> ')
        // Local user passwords.
        .replace(/^(username \S+ password \d) (\S+)/gm, '$1 <secret hidden>')
        // RADIUS shared key.
        .replace(/^(radius-server key).*/gm, '$1 <secret hidden>')
    );
  },
  commands: [
    {
      command: 'show version',
      clean(output, { comment }) {
        const beforeUptime = takeWhile(linesOf(output), (line) => !/uptime/i.test(line));
        // Free bootflash space changes with every file copied; uptime and reset history change by themselves.
        return comment(beforeUptime.filter((line) => !/^\s+bootflash:/.test(line)).join(''));
      },
    },
    {
      command: 'show inventory all',
      // Releases without `all` answer with an error; plain `show inventory` lists the same modules there.
      fallback: { ifOutputMatches: /% Invalid command/, command: 'show inventory' },
      clean: (output, { comment }) => comment(output),
    },
    {
      command: 'show running-config',
      // The generation timestamp, different on every run.
      clean: (output) => output.replace(/^!Time:[^\n]*\n/gm, ''),
    },
  ],
});
