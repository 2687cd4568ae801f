/**
 * Cisco Firepower Threat Defense (FXOS / Fire Linux OS, the FTD CLI). Same commands and stored bytes as
 * Oxidized's `firelinuxos` model: version and inventory as `! ` comments, then the full running config.
 */
import { cutBoth, linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ciscoFirelinuxosPlugin = defineShellPlugin({
  key: 'cisco_firelinuxos',
  oxidizedModel: 'firelinuxos',
  friendlyName: 'Cisco Firepower FTD (Fire Linux OS)',
  description: 'Full running config plus version and inventory, over an SSH shell.',
  prompt: /^[#>]\(?.+\)? ?$/m,
  commentPrefix: '! ',
  expects: [
    // A rejected command stays typed on the next line: Ctrl-U clears it and Enter gives a fresh prompt.
    { pattern: rb(/^Syntax error: .*\n.*$/), send: '\x15\n' },
  ],
  logout: ['exit'],
  cleanAll(output) {
    const cleaned = output
      // Error lines of commands that some models lack.
      .replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/g), '')
      // ANSI escape codes.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
      .replace(rb(/\x1b\[[0-?]*[ -/]*[@-~]\r?/g), '');
    // The command echo and the trailing prompt.
    return cutBoth(cleaned);
  },
  maskSecrets: (output) =>
    output
      // The enable password hash.
      .replace(rb(/enable password (\S+) (.*)/g), 'enable password <secret hidden> $2')
      // Local user password hashes.
      .replace(rb(/username (\S+) password (\S+) (.*)/g), 'username $1 password <secret hidden> $3')
      // IKEv1/IKEv2 pre-shared keys.
      .replace(rb(/(ikev[12] ((remote|local)-authentication )?pre-shared-key) (\S+)/g), '$1 <secret hidden>')
      // The key line under a TACACS+ server host.
      .replace(rb(/^(aaa-server TACACS\+? \(\S+\) host.*\n\skey) \S+$/gis), '$1 <secret hidden>')
      // The LDAP bind password.
      .replace(rb(/ldap-login-password (\S+)/g), 'ldap-login-password <secret hidden>')
      // SNMP host communities.
      .replace(rb(/^snmp-server host (.*) community (\S+)/g), 'snmp-server host $1 community <secret hidden>'),
  commands: [
    {
      command: 'show version system',
      // Uptime lines.
      clean: (output, { comment }) => comment(rejectLines(output, [/(\s+up\s+\d+\s+)|(.*days.*)/])),
    },
    { command: 'show inventory', clean: (output, { comment }) => comment(output) },
    {
      command: 'show running-config all',
      clean: (output) =>
        linesOf(output)
          .slice(3)
          .join('')
          // Comment lines (`: Saved`, serial number, hardware and timestamps).
          .replace(rb(/^: [^\n]*\n/g), ''),
    },
  ],
});
