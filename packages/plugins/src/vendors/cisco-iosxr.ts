/**
 * Cisco IOS XR routers (ASR 9000, NCS 5500/540, 8000, CRS). Same commands and stored bytes as Oxidized's
 * `iosxr` model: inventory and platform as `! ` comments, then the running config.
 */
import { cutBoth, cutHead, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind } from '../runtime/shell-plugin.js';

export const ciscoIosxrPlugin = defineShellPlugin({
  key: 'cisco_iosxr',
  oxidizedModel: 'iosxr',
  friendlyName: 'Cisco IOS XR',
  description: 'Running config plus inventory and platform, over an SSH shell.',
  // `RP/0/RSP0/CPU0:pe1#`, possibly after a carriage return.
  prompt: rb(/^(\r?[\w.@:/-]+[#>]\s?)$/),
  commentPrefix: '! ',
  completeWhen: /^end$/m, // `show running-config` always ends with `end`
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^Username:/), password: rb(/^\r?Password:/) },
  options: [enableOption],
  // Oxidized's post-login order: the terminal settings, then `enable` and its password (typed blind; we wait
  // for the prompt after the password so its answer cannot be read as the first command's).
  async login({ run, send, target }) {
    await run('terminal length 0');
    await run('terminal width 0');
    // Timestamps before every output would change on every run.
    await run('terminal exec prompt no-timestamp');
    await enterEnableBlind({ run, send, target });
  },
  logout: ['exit'],
  // The echo, the blank line after it, and the trailing prompt.
  cleanAll: (output) => cutBoth(output, 2, 1),
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Whole `… secret <type> <hash>` tails (users, enable).
      .replace(rb(/secret (\d+) (\S+).*/g), '<secret hidden>')
      // Ours, after Oxidized's rules: type-7 `password` and `key` values (users, TACACS+/RADIUS, BGP, OSPF, NTP).
      .replace(rb(/(\b(?:password|key)(?: encrypted| clear)? \d) \S+/g), '$1 <secret hidden>')
      // Ours: `encrypted` values without a type digit.
      .replace(rb(/(\b(?:password|key) encrypted) (?!\d |<)\S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show inventory all', clean: (output, { comment }) => comment(output) },
    { command: 'show platform', clean: (output, { comment }) => comment(output) },
    // Without the `Building configuration...` line.
    { command: 'show running-config', clean: (output) => cutHead(output, 1) },
  ],
});
