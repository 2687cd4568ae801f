/**
 * Cisco Catalyst switches on CatOS (Catalyst 4000/5000/6500 supervisor software). Same commands and stored
 * bytes as Oxidized's `catos` model: system and version (uptime and memory figures as X) as `# ` comments, then
 * `show conf all` from its `begin` line.
 */
import { cutBoth, linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const ciscoCatosPlugin = defineShellPlugin({
  key: 'cisco_catos',
  oxidizedModel: 'catos',
  friendlyName: 'Cisco CatOS',
  description: 'Full configuration plus system and version, over an SSH shell.',
  // `cat6509> `, `cat6509> (enable) `.
  prompt: rb(/^[\w.@-]+>\s?(\(enable\) )?$/),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/^Username: /), password: rb(/^Password:/) },
  options: [enableOption],
  // No paging, then `enable` and its password typed blind (we wait for the prompt after the password).
  async login({ run, send, target }) {
    await run('set length 0');
    await enterEnableBlind({ run, send, target });
  },
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `catos` hides nothing; ours: enable/login passwords and SNMP communities.
  maskSecrets: (output) =>
    output
      // Login and enable passwords.
      .replace(rb(/^(set (?:password|enablepass)) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(set snmp community (?:read-only|read-write|read-write-all)) +\S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show system',
      // Uptime (`d,hh:mm:ss`) as X.
      clean: (output, { comment }) => comment(output.replace(rb(/(\s+)\d+,\d+:\d+:\d+(\s+)/g), '$1X$2')),
    },
    {
      command: 'show version',
      // Memory figures and the uptime as X.
      clean: (output, { comment }) =>
        comment(output.replace(rb(/\d+(K)/g), 'X$1').replace(rb(/^(Uptime is ).*/g), '$1X')),
    },
    {
      command: 'show conf all',
      // The generation time as X, then everything before `begin`.
      clean: (output) => {
        const lines = linesOf(output.replace(rb(/^(#time: ).*/), '$1X'));
        const begin = lines.findIndex((line) => rb(/^begin/).test(line));
        return begin === -1 ? '' : lines.slice(begin).join('');
      },
    },
  ],
});
