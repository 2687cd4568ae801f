/**
 * DCN (Yunke) DCNOS switches and their OEM versions (SNR, …), a ZebOS derivative. Same commands and stored
 * bytes as Oxidized's `dcnos` model: version (without uptime), boot files and flash as `! ` comments, then the
 * running config; echoes are cut, prompts kept, as in Oxidized.
 */
import { cutHead, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const dcnDcnosPlugin = defineShellPlugin({
  key: 'dcn_dcnos',
  oxidizedModel: 'dcnos',
  friendlyName: 'DCN DCNOS (SNR and OEM switches)',
  description: 'Running config plus version, boot files and flash, over an SSH shell.',
  // Oxidized's default prompt: `S2950-24G#`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^login:/i), password: rb(/^password:/i) },
  options: [enableOption],
  // `enable` and its password typed blind (we wait for the prompt after the password), then no paging.
  async login({ run, send, target }) {
    await enterEnableBlind({ run, send, target });
    await run('terminal length 0');
  },
  logout: ['exit'],
  // The echo (the trailing prompt stays).
  cleanAll: (output) => cutHead(output),
  // Oxidized's `dcnos` hides nothing; ours: user and enable passwords, SNMP communities, RADIUS/TACACS+ keys.
  maskSecrets: (output) =>
    output
      // User passwords.
      .replace(rb(/^(username \S+ (?:privilege \d+ )?password \d) \S+/g), '$1 <secret hidden>')
      // Enable passwords.
      .replace(rb(/^(enable password(?: level \d+)? \d) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community (?:ro|rw) \d) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ keys.
      .replace(
        rb(/^((?:radius-server|tacacs-server) (?:authentication host \S+ )?key(?: \d)?) \S+/g),
        '$1 <secret hidden>',
      ),
  commands: [
    {
      command: 'show version',
      // The uptime.
      clean: (output, { comment }) => comment(output.replace(rb(/\s(Uptime is).*/g), '')),
    },
    { command: 'show boot-files', clean: (output, { comment }) => comment(output) },
    { command: 'show flash', clean: (output, { comment }) => comment(output) },
    { command: 'show running-config' },
  ],
});
