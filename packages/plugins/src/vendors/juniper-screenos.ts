/**
 * Juniper (NetScreen) ScreenOS firewalls: SSG, ISG, NetScreen. Same commands and stored bytes as Oxidized's
 * `screenos` model: system facts (without clock, uptime and bandwidth) as `! ` comments, then the config.
 */
import { cutHead, linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const juniperScreenosPlugin = defineShellPlugin({
  key: 'juniper_screenos',
  oxidizedModel: 'screenos',
  friendlyName: 'Juniper ScreenOS (SSG, ISG, NetScreen)',
  description: 'Configuration plus system facts, over an SSH shell.',
  // `ssg140-> `, `ssg140(M)-> ` (cluster master).
  prompt: rb(/^[\w.:()-]+->\s?$/),
  commentPrefix: '! ',
  // TELNET login prompts; Oxidized's `cfg :telnet` gives them as strings (`'/^login:/'`), which never
  // match, so the regexes they spell are used.
  telnetLogin: { username: rb(/^login:/), password: rb(/^password:/) },
  postLogin: ['set console page 0'],
  // Log out and do not save the configuration.
  logout: ['exit', 'n'],
  // The echo and the trailing prompt.
  cleanAll: (output) => linesOf(output).slice(1, -1).join(''),
  maskSecrets: (output) =>
    output
      // The admin name and password (the password line keeps only the placeholder, as in Oxidized).
      .replace(rb(/^(set admin name) .*|^(set admin password) .*/g), '$1 <removed>')
      // Other admin users' passwords, keeping what follows.
      .replace(rb(/^(set admin user .* password) .* (.*)/g), '$1 <removed> $2')
      // Secrets, passwords and pre-shared keys with the rest of their line.
      .replace(rb(/(secret|password|preshare) .*/g), '$1 <secret hidden>')
      // Ours, after Oxidized's rules: SNMP communities, and the community a trap host is sent with, which it leaves.
      .replace(rb(/^(set snmp (?:community|host)) "[^"]*"/g), '$1 "<secret hidden>"'),
  commands: [
    {
      command: 'get system',
      clean: (output, { comment }) =>
        comment(
          output
            // Clock, uptime and the current bandwidth of each interface.
            .replace(rb(/^Date .*\n/g), '')
            // The uptime.
            .replace(rb(/^Up .*\n/g), '')
            // The current bandwidth of each interface.
            .replace(rb(/(current bw ).*/g), '$1 <removed>'),
        ),
    },
    // Without the `Total Config size` line.
    { command: 'get config', clean: (output) => cutHead(output, 1) },
  ],
});
