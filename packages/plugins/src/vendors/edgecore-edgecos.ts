/**
 * Edgecore (Accton) switches on EdgeCOS: ECS/ES/AS series. Same commands and stored bytes as Oxidized's
 * `edgecos` model: system (without uptime, temperatures and fan speeds), version (without uptime), watchdog
 * and transceivers (without DDM readings) as `! ` comments, then the running config.
 */
import { cutBoth, cutHead, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

export const edgecoreEdgecosPlugin = defineShellPlugin({
  key: 'edgecore_edgecos',
  oxidizedModel: 'edgecos',
  friendlyName: 'Edgecore EdgeCOS',
  description: 'Running config plus system, version, watchdog and transceivers, over an SSH shell.',
  // Oxidized's default prompt: `Console#`, `ecs4120>`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^Username:/), password: rb(/^Password:/) },
  expects: [
    // The pager of the ES3526XA-V2: press space and drop its line.
    { pattern: rb(/^---More---.*$/), send: ' ' },
  ],
  options: [enableOption],
  // `enable` (Oxidized types it blind; we wait for its prompt), then no paging, wide lines.
  async login({ run, target }) {
    if (enableVar(target) === true) await run('enable');
    await run('terminal length 0');
    await run('terminal width 300');
  },
  logout: (target) => (enableVar(target) === true ? ['exit', 'exit'] : ['exit']),
  cleanAll: (output) =>
    cutBoth(
      output
        // Errors of commands some models lack.
        .replace(rb(/^(% Invalid input detected at '\^' marker\.|^\s+\^)$/g), '')
        // The pager's erase sequence (backspaces, spaces, backspaces).
        .replace(rb(/^([\b]{10}\s{10}[\b]{10})/g), ''),
    ),
  maskSecrets: (output) =>
    output
      // Whole `password <type> <hash> …` tails.
      .replace(rb(/password \d+ (\S+).*/g), '<secret removed>')
      // SNMP communities.
      .replace(rb(/community (\S+)/g), 'community <hidden>')
      // Ours, after Oxidized's rules: RADIUS/TACACS+ keys it leaves.
      .replace(rb(/^((?:radius|tacacs)-server (?:\d+ )?(?:host \S+ )?key) (?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show running-config',
      // The "please wait" line and the first line after the echo.
      clean: (output) => cutHead(output.replace(rb(/^Building running configuration.*\n/g), '')),
    },
    {
      command: 'show system',
      clean: (output, { comment }) =>
        comment(
          output
            // Uptime, temperatures and fan speeds.
            .replace(rb(/^.*\sUp Time\s*:.*\n/gi), '')
            // Temperature readings.
            .replace(rb(/(\sTemperature \d*:)\s*\d+ degrees/g), '$1 <temperature values hidden>')
            // Fan speeds.
            .replace(
              rb(/^!?\s*Fan \d+ speed:\s+\d+ rpm\s+Fan \d+ speed:\s+\d+ rpm\s+Fan \d+ speed:\s+\d+ rpm$/g),
              '<fan speeds hidden>',
            ),
        ),
    },
    {
      command: 'show version',
      // The uptime line.
      clean: (output, { comment }) => comment(output.replace(rb(/^.*\suptime is.*\n/gi), '')),
    },
    { command: 'show watchdog', clean: (output, { comment }) => comment(output) },
    {
      command: 'show interfaces transceiver',
      clean: (output, { comment }) =>
        comment(
          output
            // DDM alarm markers and readings.
            .replace(rb(/(\d\d)!/g), '$1 ')
            // Transceiver temperature.
            .replace(rb(/^(\s*Temperature\s*:).*/g), '$1 <hidden>')
            // Supply voltage.
            .replace(rb(/^(\s*Vcc\s*:).*/g), '$1 <hidden>')
            // Laser bias current.
            .replace(rb(/^(\s*Bias Current\s*:).*/g), '$1 <hidden>')
            // Transmit power.
            .replace(rb(/^(\s*TX Power\s*:).*/g), '$1 <hidden>')
            // Receive power.
            .replace(rb(/^(\s*RX Power\s*:).*/g), '$1 <hidden>'),
        ),
    },
  ],
});
