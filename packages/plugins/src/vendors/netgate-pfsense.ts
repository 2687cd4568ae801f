/**
 * Netgate pfSense. Same commands and stored bytes as Oxidized's `pfsense` model: `/cf/conf/config.xml` read
 * over SSH exec (not as `admin`, which gets no exec channel), with the version as a trailing XML comment.
 */
import { CollectError } from '../errors.js';
import { rb, xmlComment } from '../runtime/cleanup.js';
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
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/(\s+<bcrypt-hash>).+?(<\/bcrypt-hash>)/g), '$1[secret hidden]$2')
      // Passwords (users, VPNs, services).
      .replace(rb(/(\s+<password>).+?(<\/password>)/g), '$1[secret hidden]$2')
      // The lighttpd status page password.
      .replace(rb(/(\s+<lighttpd_ls_password>).+?(<\/lighttpd_ls_password>)/g), '$1[secret hidden]$2'),
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
