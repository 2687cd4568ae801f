/**
 * HPE BladeSystem c-Class Onboard Administrator. Same commands and stored bytes as Oxidized's `hpebladesystem`
 * model: OA, network, certificate, FRU, VLAN, rack and server information as `# ` comments (echoes kept), then
 * the OA configuration script.
 */
import { cutTail, linesOf, rb, rubyRstrip } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin } from '../runtime/shell-plugin.js';

const asComment = (output: string, { comment }: CleanTools) => comment(output);

export const hpeBladesystemPlugin = defineShellPlugin({
  key: 'hpe_bladesystem',
  oxidizedModel: 'hpebladesystem',
  friendlyName: 'HPE BladeSystem Onboard Administrator',
  description: 'OA configuration script plus enclosure, network and server information, over an SSH shell.',
  // `OA-1234567890> `.
  prompt: rb(/.*> /),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/\slogin:/), password: rb(/^Password: /) },
  // Script mode: no pager, no confirmations.
  postLogin: ['set script mode on'],
  logout: ['exit'],
  // Carriage returns and trailing blanks on every line, then the trailing prompt (the echo stays).
  cleanAll: (output) =>
    cutTail(
      `${linesOf(output.replace(/\r/g, ''))
        .map((line) => rubyRstrip(line))
        .join('\n')}\n`,
    ),
  maskSecrets: (output) =>
    output
      // SNMP read and write communities.
      .replace(rb(/^(SET SNMP COMMUNITY (READ|WRITE)).*/g), '$1 <configuration removed>')
      // Ours, after Oxidized's rule: LDAP bind and user passwords in the configuration script.
      .replace(rb(/^(SET (?:LDAP BIND PASSWORD|USER PASSWORD \S+|EBIPA \S+ PASSWORD)) .*/g), '$1 <secret hidden>')
      // Ours: user passwords of `ADD USER` lines.
      .replace(rb(/^(ADD USER "?[^"\s]+"?) "[^"]*"/g), '$1 "<secret hidden>"'),
  commands: [
    { command: 'show oa info', clean: asComment },
    { command: 'show oa network', clean: asComment },
    { command: 'show oa certificate', clean: asComment },
    { command: 'show sshfingerprint', clean: asComment },
    { command: 'show fru', clean: asComment },
    {
      command: 'show network',
      // The last-update time.
      clean: (output, { comment }) => comment(output.replace(rb(/Last Update:.*$/gi), '')),
    },
    { command: 'show vlan', clean: asComment },
    { command: 'show rack name', clean: asComment },
    { command: 'show server list', clean: asComment },
    { command: 'show server names', clean: asComment },
    { command: 'show server port map all', clean: asComment },
    { command: 'show server info all', clean: asComment },
    {
      command: 'show config',
      // The generation time, then leading blanks (and blank lines) of every line.
      clean: (output) => output.replace(rb(/^(#Generated on:) .*$/g), '$1 <removed>').replace(rb(/^\s+/g), ''),
    },
  ],
});
