/**
 * Hirschmann (Belden) industrial switches on the Classic OS (RS20/30/40, MS, MACH, OCTOPUS; `(name) #`
 * prompts). Same commands and stored bytes as Oxidized's `hirschmann` model: system information (without
 * clock, uptime, CPU and memory) as `## ` comments, then the running config without its user lines. (HiOS,
 * with `[name]#` prompts, is `hirschmann_hios`.)
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const hirschmannClassicPlugin = defineShellPlugin({
  key: 'hirschmann_classic',
  oxidizedModel: 'hirschmann',
  friendlyName: 'Hirschmann Classic',
  description: 'Running config plus system information, over an SSH shell.',
  // `(RSP-Plant-1) >`, `(Hirschmann Railswitch) #`.
  prompt: rb(/^[(\w\s)]+\s[>|#]+?$/),
  commentPrefix: '## ',
  telnetLogin: { username: rb(/^User:/), password: rb(/^Password:/) },
  expects: [
    // The pager: `a` shows all the rest; its line is dropped.
    { pattern: rb(/^--More--.*$/), send: 'a' },
  ],
  postLogin: ['enable'],
  logout: ['logout'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `hirschmann` hides nothing but the user lines; ours: SNMP communities and RADIUS secrets.
  maskSecrets: (output) =>
    output
      // SNMP communities.
      .replace(rb(/^(snmp (?:access )?community (?:ro|rw|read|write|index \d+ name)) \S+/g), '$1 <secret hidden>')
      // RADIUS secrets.
      .replace(rb(/^(radius server (?:add|modify) \d+ .*secret) \S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show sysinfo',
      // Uptime, clock, CPU and memory lines.
      clean: (output, { comment }) =>
        comment(
          output
            // The uptime.
            .replace(rb(/^System Up Time.*\n/g), '')
            // The clock.
            .replace(rb(/^System Date and Time.*\n/g), '')
            // CPU load.
            .replace(rb(/^CPU Utilization.*\n/g), '')
            // Memory use.
            .replace(rb(/^Memory.*\n/g), '')
            // Average CPU load.
            .replace(rb(/^Average CPU Utilization.*\n/g), ''),
        ),
    },
    {
      command: 'show running-config',
      // User accounts with their password hashes.
      clean: (output) => output.replace(rb(/^users.*\n/g), ''),
    },
  ],
});
