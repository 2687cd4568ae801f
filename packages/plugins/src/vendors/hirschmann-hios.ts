/**
 * Hirschmann (Belden) industrial switches on HiOS (RSP, MSP, OS, BRS, GRS, DRAGON; `[name]>` prompts). Same
 * commands and stored bytes as Oxidized's `hios` model: system information (without uptime, operating hours,
 * date and temperature) as `## ` comments, then the running config as a script. (Classic is
 * `hirschmann_classic`.)
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const hirschmannHiosPlugin = defineShellPlugin({
  key: 'hirschmann_hios',
  oxidizedModel: 'hios',
  friendlyName: 'Hirschmann HiOS',
  description: 'Running config script plus system information, over an SSH shell.',
  // `[RSP-Plant-1]>`, `[RSP-Plant-1]#`.
  prompt: rb(/^\[[\w\s\W]+\][>|#]+?$/),
  commentPrefix: '## ',
  telnetLogin: { username: rb(/^User:/), password: rb(/^Password:/) },
  expects: [
    // The pager: `n` (no more paging) and its line dropped.
    { pattern: rb(/^--More--.*$/), send: 'n' },
  ],
  postLogin: ['enable'],
  // Log out and confirm.
  logout: ['logout', 'Y\r'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `hios` hides nothing; ours: user password hashes, SNMP communities and RADIUS secrets.
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/^(users password \S+) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp community (?:ro|rw)) \S+/g), '$1 <secret hidden>')
      // RADIUS secrets.
      .replace(rb(/^(radius server (?:add|modify) \d+ .*secret) \S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show system info',
      // Uptime, operating hours, the date and the temperature.
      clean: (output, { comment }) =>
        comment(
          output
            // The uptime.
            .replace(rb(/^System uptime.*\n/g), '')
            // Operating hours.
            .replace(rb(/^Operating hours.*\n/g), '')
            // The clock.
            .replace(rb(/^System date.*\n/g), '')
            // The temperature.
            .replace(rb(/^Current temperature.*\n/g), ''),
        ),
    },
    { command: 'show running-config script' },
  ],
});
