/**
 * Ciena SAOS 6 and 8 packet switches (3900/5100/5160 series). Same commands and stored bytes as Oxidized's
 * `saos` model: device id and power, software banks and transceivers as `! ` comments, then the configuration
 * without its creation lines. (SAOS 10 is `ciena_saos10`.)
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const cienaSaosPlugin = defineShellPlugin({
  key: 'ciena_saos',
  oxidizedModel: 'saos',
  friendlyName: 'Ciena SAOS 6/8',
  description: 'Configuration plus device id, software and transceivers, over an SSH shell.',
  // `saos-5160> `, `ciena-3930*> ` (the star: unsaved changes).
  prompt: rb(/^[\w-]+\*?>\s?/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/login:/), password: rb(/assword:/) },
  postLogin: ['system shell set more off', 'system shell session set more off'],
  logout: ['exit'],
  cleanAll: (output) =>
    // TACACS+ accounting/authorization wait notices, then the echo and the trailing prompt.
    cutBoth(output.replace(rb(/(Waiting for )(accounting|authorization).*\n/g), '')),
  // Oxidized's `saos` hides nothing; ours: user secrets, SNMP communities and RADIUS/TACACS+ keys.
  maskSecrets: (output) =>
    output
      // User secrets.
      .replace(rb(/(user create user \S+ access-level \S+ secret) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/(snmp create community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ server secrets and keys.
      .replace(rb(/((?:radius|tacacs) (?:add server \S+|set) .*(?:secret|key)) \S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'chassis show device-id power', clean: (output, { comment }) => comment(output) },
    {
      command: 'software show',
      // The bank status, which changes during upgrades.
      clean: (output, { comment }) =>
        comment(
          output.replace(
            rb(/^\| Bank status.*/g),
            '| Bank status         : <removed>                                              |',
          ),
        ),
    },
    {
      command: 'port xcvr show',
      clean: (output, { comment }) =>
        comment(
          output
            // Models without the command.
            .replace(rb(/^SHELL PARSER FAILURE.*/g), '')
            // The transient operational state column.
            .replace(rb(/(\s\|.{10}\|)(Ena\s\s|\s\sDis|UCTF\s)(.*)/g), '$1     $3'),
        ),
    },
    {
      command: 'configuration show',
      // When and from where the configuration was shown.
      clean: (output) => output.replace(rb(/^! Created: [^\n]*\n/g), '').replace(rb(/^! On terminal: [^\n]*\n/g), ''),
    },
  ],
});
