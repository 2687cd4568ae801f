/**
 * Nokia (Alcatel-Lucent) ISAM access nodes (7302/7330/7360 FX, 7367 SX). Same commands and stored bytes as
 * Oxidized's `isam` model: software packages and slots as `# ` comments, then `info configure flat`.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const nokiaIsamPlugin = defineShellPlugin({
  key: 'nokia_isam',
  oxidizedModel: 'isam',
  friendlyName: 'Nokia ISAM',
  description: 'Flat configuration plus software packages and slots, over an SSH shell.',
  // `isam-01># ` (the prompt the session sets).
  prompt: rb(/^([\w.:@-]+>#\s)$/),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/^login:\s*/), password: rb(/^password:\s*/) },
  // A predictable prompt, batch mode (no confirmations), no alarms or paging in the output.
  postLogin: ['environment prompt "%n># "', 'environment mode batch', 'environment inhibit-alarms print no-more'],
  logout: ['logout'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `isam` hides nothing; ours: operator passwords, SNMP communities and RADIUS/TACACS+ secrets.
  maskSecrets: (output) =>
    output
      // Operator passwords.
      .replace(rb(/(password (?:encrypted|plain):)\S+/g), '$1<secret hidden>')
      // SNMP communities.
      .replace(rb(/(snmp community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ secrets.
      .replace(rb(/(secret (?:encrypted|plain):)\S+/g), '$1<secret hidden>'),
  commands: [
    { command: 'show software-mngt oswp detail', clean: (output, { comment }) => comment(output) },
    { command: 'show equipment slot detail', clean: (output, { comment }) => comment(output) },
    { command: 'info configure flat' },
  ],
});
