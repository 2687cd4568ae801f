/**
 * Extreme Networks (formerly Avaya) VSP Operating System Software, VOSS (VSP 4000/7200/7400/8000). Same
 * commands and stored bytes as Oxidized's `voss` model: the first prompt and `show sys-info` (without uptime,
 * temperatures, fan speeds, power and change times) as `# ` comments, then config.cfg.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const extremeVossPlugin = defineShellPlugin({
  key: 'extreme_voss',
  oxidizedModel: 'voss',
  friendlyName: 'Extreme Networks VOSS (VSP)',
  description: 'config.cfg plus system info, over an SSH shell.',
  // `VSP-8284XSQ:1#`, `VSP4450GSX-PWR+:1>`.
  prompt: rb(/^[^\s#>]+[#>]$/),
  commentPrefix: '# ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/Login: $/), password: rb(/Password: $/) },
  postLogin: ['enable', 'terminal more disable'],
  logout: ['exit'],
  // Oxidized's `voss` hides nothing; ours: SNMP communities, RADIUS/TACACS+ keys, user passwords.
  maskSecrets: (output) =>
    output
      // SNMP communities.
      .replace(rb(/^(snmp-server community) ("[^"]*"|\S+)/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ keys and secrets, user passwords.
      .replace(rb(/(?<!<)\b(key|secret|password) (?!<)("[^"]*"|\S+)/g), '$1 <secret hidden>'),
  commands: [
    // An empty line first, so that the stored config starts at a fresh prompt (Oxidized: "needed for proper
    // formatting after post_login").
    { command: '', clean: (output, { comment }) => comment(`${output}\n`) },
    {
      command: 'show sys-info',
      clean: (output, { comment }) =>
        comment(
          `${output
            // Uptime.
            .replace(rb(/(^((.*)SysUpTime(.*))$)/g), 'removed SysUpTime')
            // The temperature block and the readings after it.
            .replace(rb(/^((.*)Temperature Info :(.*\r?\n){4})/g), 'removed Temperature Info and 3 more lines')
            // The ambient temperature reading.
            .replace(rb(/(^((.*)AmbientTemperature(.*):(.*))$)/g), 'removed AmbientTemperature')
            // Change and statistics-reset times.
            .replace(rb(/(^((.*)Last Change(.*):(.*))$)/g), 'remove Last Change')
            // Statistics reset times.
            .replace(rb(/(^((.*)Last Statistic Reset(.*):(.*))$)/g), 'removed Last Statistic Reset')
            // VLAN change times.
            .replace(rb(/(^((.*)Last Vlan Change(.*):(.*))$)/g), 'removed Last Vlan Change')
            // Other temperature readings.
            .replace(rb(/(^((.*)Temperature(.*):(.*))$)/g), 'removed Temperature')
            // Power drawn.
            .replace(rb(/(^((.*)Total Power Usage(.*):(.*))$)/g), 'removed Total Power Usage')
            // Fan speeds: name and state stay.
            .replace(
              rb(/(^((.*)(Tray \d+ Fan \d+)\s+(\w+)\s+(\w+)\s+(.*))$)/g),
              '$3$4      $5      [removed RPM values]',
            )
            // How long the command took.
            .replace(rb(/(^((.*)Command Execution Time: (.*))$)/g), 'Command Execution Time [removed]')
            // Sensor temperature tables.
            .replace(
              rb(/(^((.*)(Ambient\s+\d+|CPU|INTERNAL\s+MAC|SODIMM)\s+\d+\s+\d+(.*))$)/g),
              '$3$4  [removed temperature readings]',
            )}\n`,
        ),
    },
    {
      command: 'more config.cfg',
      clean: (output) =>
        output
          // Prompt lines.
          .replace(rb(/^[^\s#>]+[#>]$/g), '')
          // The echo becomes a comment.
          .replace(rb(/^more config.cfg/g), '# more config.cfg'),
    },
  ],
});
