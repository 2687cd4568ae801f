/**
 * Deciso OPNsense firewalls. Same commands and stored bytes as Oxidized's `opnsense` model:
 * `/conf/config.xml` read over SSH exec (the user needs "System: Shell account access"), with the version as
 * a trailing XML comment.
 */
import { rb, xmlComment } from '../runtime/cleanup.js';
import { maskConfigXmlSecrets } from '../runtime/config-xml-secrets.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const decisoOpnsensePlugin = defineShellPlugin({
  key: 'deciso_opnsense',
  oxidizedModel: 'opnsense',
  friendlyName: 'Deciso OPNsense',
  description: 'config.xml plus version, over SSH exec (shell account access needed).',
  transport: 'ssh-exec',
  // Oxidized's default prompt (used only when exec is turned off with ssh_no_exec).
  prompt: /^([\w.@-]+[#>]\s?)$/m,
  commentPrefix: '# ',
  logout: ['exit'],
  // Ours: Oxidized's `opnsense` masks nothing; password hashes, private keys, pre-shared keys, API secrets,
  // VPN keys and SNMP communities are hidden as for pfSense (the same config.xml elements).
  maskSecrets: (output) => maskConfigXmlSecrets(output),
  commands: [
    {
      command: 'cat /conf/config.xml',
      clean: (output) =>
        output
          // The last-change revision (time, user, description), rewritten on every save.
          .replace(rb(/\s<revision>\s*<time>\d*<\/time>\s*.*\s*.*\s*<\/revision>/g), '')
          // The time the firewall rules were last reloaded.
          .replace(rb(/\s<last_rule_upd_time>\d*<\/last_rule_upd_time>/g), ''),
    },
    // At the end, since an XML file may not start with a comment; older releases lack `opnsense-version`.
    {
      command: 'opnsense-version || echo "OPNsense "`cat /usr/local/opnsense/version/opnsense`',
      clean: (output) => xmlComment(output),
    },
  ],
});
