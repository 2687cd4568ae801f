/**
 * F5OS (VELOS partitions and rSeries appliances, the ConfD CLI). Same commands and stored bytes as Oxidized's
 * `f5os` model: the running config, echo and prompt included as Oxidized keeps them.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const f5F5osPlugin = defineShellPlugin({
  key: 'f5_f5os',
  oxidizedModel: 'f5os',
  friendlyName: 'F5OS (rSeries, VELOS)',
  description: 'Running config, over an SSH shell.',
  // `appliance-1# `, `r5900(config)# `.
  prompt: rb(/^([\w.@()-]+ ?[#>]\s+)$/),
  commentPrefix: '!',
  postLogin: ['paginate false'],
  logout: ['exit'],
  // Oxidized's `f5os` hides nothing; ours: password hashes, SNMP communities and RADIUS/TACACS+/LDAP secrets.
  maskSecrets: (output) =>
    output
      // Passwords, secrets, communities and bind passwords set with `config …`.
      .replace(
        rb(/(config (?:password|secret|community|community-name|shared-secret|bind-password|key)) (?!<)\S+/g),
        '$1 <secret hidden>',
      )
      // The same on lines of their own.
      .replace(rb(/^(\s*(?:password|secret|shared-secret)) (?!<)\S+/g), '$1 <secret hidden>'),
  commands: [{ command: 'show running-config' }],
});
