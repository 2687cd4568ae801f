/**
 * Brocade (Broadcom) Fabric OS Fibre Channel switches and directors, over SSH exec channels. Same commands and
 * stored bytes as Oxidized's `fabricos` model: `chassisShow` (without times, power and input voltage) as `# `
 * comments, then `configShow -all` without its date lines.
 */
import { rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, sshNoExecOption } from '../runtime/shell-plugin.js';

export const brocadeFabricosPlugin = defineShellPlugin({
  key: 'brocade_fabricos',
  oxidizedModel: 'fabricos',
  friendlyName: 'Brocade Fabric OS (FC switches)',
  description: 'configShow -all plus chassisShow, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // `fcsw01:admin> `, for `ssh_no_exec`.
  prompt: rb(/^(\w+:+\w+>\s)$/),
  commentPrefix: '# ',
  options: [sshNoExecOption],
  // Oxidized's `fabricos` hides nothing; ours: SNMP communities and RADIUS/LDAP secrets in `configShow -all`.
  maskSecrets: (output) =>
    output
      // SNMP communities and SNMPv3 auth/privacy passwords.
      .replace(rb(/^(snmp\.(?:snmpv1|snmpv3)\S*\.(?:community|authPass|privPass)[^:]*):\S*/g), '$1:<secret hidden>')
      // RADIUS, LDAP and TACACS+ secrets and passwords.
      .replace(rb(/^((?:radius|ldap|tacacs)\S*\.(?:secret|password)[^:]*):\S*/gi), '$1:<secret hidden>'),
  commands: [
    {
      command: 'chassisShow',
      // Times, power usage, update time and input voltage, which change without a config change.
      clean: (output, { comment }) =>
        comment(
          rejectLines(output, [
            /Time Awake:/,
            /Power Usage \(Watts\):/,
            /Power Usage:/,
            /Time Alive:/,
            /Update:/,
            /PS Voltage input:/,
          ]),
        ),
    },
    {
      command: 'configShow -all',
      // Date lines.
      clean: (output) => rejectLines(output, [/date = /]),
    },
  ],
});
