/**
 * Dell Networking OS9 / Force10 FTOS switches (S-series, Z-series, S4048-ON, MXL). Same commands and stored
 * bytes as Oxidized's `dnos` model: inventory, optics and version as `! ` comments, then the running config
 * without its header.
 */
import { cutBoth, cutHead, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const dellDnosPlugin = defineShellPlugin({
  key: 'dell_dnos',
  oxidizedModel: 'dnos',
  friendlyName: 'Dell Networking OS9 / Force10 FTOS',
  description: 'Running config plus inventory, optics and version, over an SSH shell.',
  // Oxidized's default prompt: `DellEMC#` (or `>`).
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  completeWhen: /^end$/m, // `show running-config` always ends with `end`
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^Login:/), password: rb(/^Password:/) },
  options: [enableOption],
  // Oxidized types `enable` and then the password without waiting for the password prompt.
  login: enterEnableBlind,
  postLogin: ['terminal length 0', 'terminal width 0'],
  logout: ['exit', 'exit'],
  cleanAll(output) {
    const cleaned = output
      // Error lines of commands that some platforms lack.
      .replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/g), '')
      // Uptime, which changes on every run.
      .replace(rb(/(uptime is)(\s.+)/g), '$1 <removed>');
    // The echo, the first line after it, and the trailing prompt.
    return cutBoth(cleaned, 2, 1);
  },
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Whole `… secret <type> <hash>` and `… password <type> <hash>` tails (enable, users, line passwords).
      .replace(rb(/secret (\d+) (\S+).*/g), '<secret hidden>')
      // Password hashes with their type digit.
      .replace(rb(/password (\d+) (\S+).*/g), '<secret hidden>')
      // The global TACACS+ key.
      .replace(rb(/^(tacacs-server key \d+) (\S+).*/g), '$1 <secret hidden>')
      // OSPF MD5 keys.
      .replace(rb(/(ip ospf message-digest-key \d \S+ \d).*/g), '$1 <secret hidden>')
      // Authentication types with their keys (VRRP, IS-IS).
      .replace(rb(/(authentication-type).*/g), '$1 <secret hidden>')
      // BSD (Unix shell) user secrets.
      .replace(rb(/^(bsd-username \S+ secret).*/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show inventory', clean: (output, { comment }) => comment(output) },
    { command: 'show inventory media', clean: (output, { comment }) => comment(output) },
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    // Without the `! Version`, `! Last configuration change` and `! Startup-config last updated` lines.
    { command: 'show running-config', clean: (output) => cutHead(output, 3) },
  ],
});
