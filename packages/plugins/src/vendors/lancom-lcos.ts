/**
 * LANCOM Systems routers, gateways and access points on LCOS. Same commands and stored bytes as Oxidized's
 * `lancom` model: `sysinfo` (without the clock) as `# ` comments, then the configuration script from
 * `readscript`. Commands end with a carriage return as LCOS expects; Oxidized keeps echoes and prompts here.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const lancomLcosPlugin = defineShellPlugin({
  key: 'lancom_lcos',
  oxidizedModel: 'lancom',
  friendlyName: 'LANCOM LCOS',
  description: 'Configuration script plus system info, over an SSH shell.',
  // `root@lancom-1781:/\n> `: the prompt line proper.
  prompt: rb(/>\s?$/),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/login:\s/), password: rb(/^Password:\s/) },
  logout: ['exit\r'],
  // Oxidized's `lancom` hides nothing; ours: passwords, shared secrets and PSKs in the script's `set` lines.
  maskSecrets: (output) =>
    output.replace(
      rb(/^(\s*set\s+(?:\S*[Pp]ass(?:word|phrase)\S*|\S*[Ss]ecret\S*|\S*[Kk]ey\S*|WPA-Passphrase)\s+)\S+/g),
      '$1<secret hidden>',
    ),
  commands: [
    {
      command: 'sysinfo\r',
      // The clock line.
      clean: (output, { comment }) => comment(output.replace(rb(/^TIME:.*\n/g), '')),
    },
    { command: 'readscript\r' },
  ],
});
