/**
 * Netgate pfSense. Same commands and stored bytes as Oxidized's `pfsense` model: `/cf/conf/config.xml` read
 * over SSH exec (not as `admin`, which gets no exec channel), with the version as a trailing XML comment.
 */
import { CollectError } from '../errors.js';
import { rb, xmlComment } from '../runtime/cleanup.js';
import { maskConfigXmlSecrets, maskPfsenseOxidizedSecrets } from '../runtime/config-xml-secrets.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const netgatePfsensePlugin = defineShellPlugin({
  key: 'netgate_pfsense',
  oxidizedModel: 'pfsense',
  friendlyName: 'Netgate pfSense',
  description: 'config.xml plus version, over SSH exec (use an account other than admin).',
  transport: 'ssh-exec',
  // Oxidized's default prompt (used only when exec is turned off with ssh_no_exec).
  prompt: /^([\w.@-]+[#>]\s?)$/m,
  commentPrefix: '# ',
  logout: ['exit'],
  // Oxidized's masks (password hashes, passwords, the status page password), then ours for the private keys,
  // pre-shared keys, VPN keys, RADIUS/LDAP secrets and SNMP communities Oxidized leaves in the clear.
  maskSecrets: (output) => maskConfigXmlSecrets(maskPfsenseOxidizedSecrets(output)),
  commands: [
    {
      command: 'cat /cf/conf/config.xml',
      clean(output) {
        // Anything else (a permission error, a shell menu) is not a config: fail rather than store it.
        if (!output.includes('<pfsense>')) {
          throw new CollectError('plugin_error', 'netgate_pfsense: <pfsense> missing in config file');
        }
        return (
          output
            // The last-change revision (time, user, description), rewritten on every save.
            .replace(rb(/\s<revision>\s*<time>\d*<\/time>\s*.*\s*.*\s*<\/revision>/g), '')
            // The time the firewall rules were last reloaded.
            .replace(rb(/\s<last_rule_upd_time>\d*<\/last_rule_upd_time>/g), '')
            // Automatic "created" stamps on rules and objects.
            .replace(rb(/\s<created>\s*<time>\d*<\/time>\s*.*CDATA\[Auto\].*\s*.*\s*<\/created>/g), '')
        );
      },
    },
    // At the end, since an XML file may not start with a comment.
    { command: 'cat /etc/version', clean: (output) => xmlComment(`PFsense ${output}`) },
  ],
});
