/**
 * Extreme SLX-OS routers and switches (SLX 9140/9540/9640/9850). Same commands and stored bytes as Oxidized's
 * `slxos` model: version, chassis, system and slots (without uptime, clocks, power and fan speeds) as `! `
 * comments, then the running config. Oxidized keeps echoes and prompts here.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const extremeSlxosPlugin = defineShellPlugin({
  key: 'extreme_slxos',
  oxidizedModel: 'slxos',
  friendlyName: 'Extreme SLX-OS',
  description: 'Running config plus version, chassis, system and slots, over an SSH shell.',
  // `SLX# `, `slx-9540>`.
  prompt: rb(/^.*[>#]\s?$/i),
  commentPrefix: '! ',
  telnetLogin: {
    username: rb(/^(Please Enter Login Name|Username):/),
    password: rb(/^(Please Enter Password ?|Password):/),
  },
  options: [enableOption],
  // Oxidized types `enable` and the password without waiting; then an empty line and the pager setting.
  async login({ run, send, target }) {
    await enterEnableBlind({ run, send, target });
    await run('');
    await run('terminal length 0');
  },
  logout: ['exit'],
  // Oxidized's `slxos` hides nothing; ours: user password hashes, SNMP communities, RADIUS/TACACS+ keys.
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/^(username \S+ password) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ host keys.
      .replace(rb(/^((?:radius|tacacs)-server host .* key) \S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      // Uptime.
      clean: (output, { comment }) =>
        comment(output.replace(rb(/(^((.*)[Ss]ystem [Uu]ptime(.*))$)/g), '').replace(rb(/[Uu]p\s?[Tt]ime is .*/g), '')),
    },
    {
      command: 'show chassis',
      clean: (output, { comment }) =>
        comment(
          output
            // Power drawn, the current date, time alive/awake, and the slot ring diagram.
            .replace(rb(/.*Power Usage.*/g), '')
            // The current date.
            .replace(rb(/^Update:.*$/g), '')
            // Time alive and awake.
            .replace(rb(/Time A(live|wake).*/g), '')
            // The slot ring diagram.
            .replace(rb(/(\[*)1(\]*)<->(\[*)2(\]*)(<->(\[*)3(\]*))*/g), ''),
        ),
    },
    {
      command: 'show system',
      // Uptime, the clock and fan speeds.
      clean: (output, { comment }) =>
        comment(
          output
            // The uptime.
            .replace(rb(/Up Time.*/g), '')
            // The current time.
            .replace(rb(/Current Time.*/g), '')
            // Fan speeds.
            .replace(rb(/.*speed is.*/g), ''),
        ),
    },
    {
      command: 'show slots',
      // Oxidized's filters for fixed-configuration models (its first one never matches a non-empty line).
      clean: (output, { comment }) =>
        comment(output.replace(rb(/^-*^$/g), '').replaceAll('syntax error: element does not exist', '')),
    },
    {
      command: 'show running-config',
      // Without the echo and the line after it.
      clean: (output) => {
        const lines = linesOf(output);
        return lines.length < 2 ? '' : lines.slice(2).join('');
      },
    },
  ],
});
