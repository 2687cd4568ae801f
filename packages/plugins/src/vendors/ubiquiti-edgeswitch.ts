/**
 * Ubiquiti EdgeSwitch (EdgeSwitch 8/16/24/48, ES-X; FASTPATH CLI). Same commands and stored bytes as
 * Oxidized's `edgeswitch` model: the running config without its uptime and clock lines.
 */
import { linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const ubiquitiEdgeswitchPlugin = defineShellPlugin({
  key: 'ubiquiti_edgeswitch',
  oxidizedModel: 'edgeswitch',
  friendlyName: 'Ubiquiti EdgeSwitch',
  description: 'Running config, over an SSH shell.',
  // `(UBNT EdgeSwitch) #`, `(EdgeSwitch) >`.
  prompt: rb(/\(.*\)\s[#>]/),
  commentPrefix: '!',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/User(name)?:\s?/), password: rb(/^Password:\s?/) },
  options: [enableOption],
  login: enableLogin('enable', rb(/^[pP]assword:/)),
  postLogin: ['terminal length 0'],
  // Leave the CLI and do not save.
  logout: ['quit', 'n'],
  // Oxidized's `edgeswitch` hides nothing; ours: password hashes, SNMP communities, RADIUS/TACACS+ keys.
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/^(username \S+ password) \S+/g), '$1 <secret hidden>')
      // Enable passwords.
      .replace(rb(/^(enable password) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>')
      // `radius server key auth <ip> [encrypted] <key>`, `tacacs-server key <key>`: the key is the last word.
      .replace(rb(/^((?:radius server|radius-server|tacacs-server) .*key .*) (?!<)\S+$/g), '$1 <secret hidden>')
      // The global TACACS+ key.
      .replace(rb(/^(tacacs-server key) (?!<)\S+$/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show running-config',
      // The echo, the blank line after it and the prompt; then the uptime and SNTP clock comment lines.
      clean: (output) =>
        rejectLines(linesOf(output).slice(2, -1).join(''), [/System Up Time.*/, /Current SNTP Synchronized Time.*/]),
    },
  ],
});
