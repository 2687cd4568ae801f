/**
 * Calix AXOS access systems (E7-2, E9-2, E3-2). Same commands and stored bytes as Oxidized's `axos` model: the
 * running config, prompt cut and the echo dropped.
 */
import { cutHead, cutTail, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const calixAxosPlugin = defineShellPlugin({
  key: 'calix_axos',
  oxidizedModel: 'axos',
  friendlyName: 'Calix AXOS',
  description: 'Running config, over an SSH shell.',
  // `E9-2-lab# `, possibly after the terminal's auto-wrap code.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the prompt may follow an escape code.
  prompt: rb(/(\x1b\[\?7h)?([\w.@()-]+#\s?)$/),
  commentPrefix: '! ',
  logout: ['exit'],
  // The trailing prompt.
  cleanAll: (output) => cutTail(output),
  // Oxidized's `axos` hides nothing; ours: user password hashes, SNMP communities and RADIUS/TACACS+ secrets.
  maskSecrets: (output) =>
    output
      // User password hashes, RADIUS/TACACS+ secrets and keys.
      .replace(rb(/^(\s*(?:password|secret|key))\s+(?!<)\S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(\s*(?:v[123] )?community)\s+(?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    // Without the echo.
    { command: 'show running-config | nomore', clean: (output) => cutHead(output) },
  ],
});
