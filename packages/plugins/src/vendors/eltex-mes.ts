/**
 * Eltex MES switches (MES2324, MES2424, MES3324, MES5324). Same commands and stored bytes as Oxidized's `eltex`
 * model: the running config.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const eltexMesPlugin = defineShellPlugin({
  key: 'eltex_mes',
  oxidizedModel: 'eltex',
  friendlyName: 'Eltex MES',
  description: 'Running config, over an SSH shell.',
  // `mes2324#`, ` console>`.
  prompt: rb(/^\s?[\w.@()-]+[#>]\s?$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^(User Name):/), password: rb(/^Password:/) },
  options: [enableOption],
  login: enableLogin('enable', rb(/^[pP]assword:/)),
  // No pager (the second form for MES2424).
  postLogin: ['terminal datadump', 'set cli pagination off'],
  logout: ['disable', 'exit'],
  cleanAll: (output) =>
    // Errors of commands some models lack, then the echo and the trailing prompt.
    cutBoth(output.replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/g), '')),
  maskSecrets: (output) =>
    output
      // SNMP communities, enable and line passwords, TACACS+ keys.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Enable passwords and secrets.
      .replace(rb(/^(enable (password|secret)( level \d+)? \d) .+/g), '$1 <secret hidden>')
      // Line passwords and secrets.
      .replace(rb(/^(\s+(?:password|secret)) (?:\d )?\S+/g), '$1 <secret hidden>')
      // TACACS+ keys.
      .replace(rb(/^(tacacs-server (.+ )?key) .+/g), '$1 <secret hidden>')
      // The `key` line inside a `tacacs server` / `radius server` block.
      .replace(rb(/^((tacacs|radius) server [^\n]+\n( +[^\n]+\n)*\s+key) [^\n]+$/gs), '$1 <secret hidden>')
      // Whole user, enable and Wi-Fi key definitions.
      .replace(rb(/username (\S+) privilege (\d+) (\S+).*/g), '<secret hidden>')
      // Whole local user password lines.
      .replace(rb(/^username \S+ password \d \S+/g), '<secret hidden>')
      // Whole enable password lines.
      .replace(rb(/^enable password \d \S+/g), '<secret hidden>')
      // Wi-Fi pre-shared keys.
      .replace(rb(/wpa-psk ascii \d \S+/g), '<secret hidden>')
      // Ours, after Oxidized's rules: `encrypted` user and enable passwords, which they leave.
      .replace(rb(/^(username \S+ password encrypted) \S+/g), '$1 <secret hidden>')
      // Enable passwords stored `encrypted`.
      .replace(rb(/^(enable password(?: level \d+)? encrypted) \S+/g), '$1 <secret hidden>'),
  commands: [{ command: 'show running-config' }],
});
