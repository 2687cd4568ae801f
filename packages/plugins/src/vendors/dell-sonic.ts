/**
 * Enterprise SONiC (Dell Enterprise SONiC, Broadcom SONiC) through its management CLI (`sonic-cli`). Same
 * commands and stored bytes as Oxidized's `enterprise_sonic` model: version (without uptime) and the system
 * EEPROM under `#####` headings, then the running configuration.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { booleanOption, defineShellPlugin } from '../runtime/shell-plugin.js';

/** Oxidized's `add_comment`: a blank line, `##### <title> #####`, a newline. */
function heading(title: string): string {
  return `\n##### ${title} #####\n`;
}

export const dellSonicPlugin = defineShellPlugin({
  key: 'dell_sonic',
  oxidizedModel: 'enterprise_sonic',
  friendlyName: 'Enterprise SONiC (sonic-cli)',
  description: 'Running configuration plus version and system EEPROM, over an SSH shell.',
  // `sonic#` in sonic-cli, or `admin@sonic:~$` in the Linux shell an admin logs in to.
  prompt: rb(/^(?:[\w.-]+@[\w.-]+:[~\w/-]+\$|[\w.-]+#)\s*/),
  commentPrefix: '# ',
  expects: [
    // ANSI escape codes (colours, cursor moves), with a carriage return after them.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
    { pattern: /\x1b\[[0-?]*[ -/]*[@-~]\r?/g },
  ],
  options: [
    {
      key: 'admin',
      description: '"true" when the login lands in the Linux shell: `sonic-cli` is started first (Oxidized var)',
      required: false,
    },
  ],
  // An admin lands in the Linux shell: start the management CLI (typed with an extra newline, as in Oxidized).
  async login({ run, target }) {
    if (booleanOption(target, 'admin')) await run('sonic-cli\n');
    await run('terminal length 0');
  },
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `enterprise_sonic` hides nothing; ours: user password hashes, SNMP communities, RADIUS/TACACS+
  // keys and BGP neighbour passwords.
  maskSecrets: (output) =>
    output
      // User password hashes.
      .replace(rb(/^(username \S+ password) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community) \S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ keys.
      .replace(rb(/^((?:radius|tacacs)-server (?:host \S+ .*)?key) \S+/g), '$1 <secret hidden>')
      // BGP neighbour passwords.
      .replace(rb(/^(\s+password) (?!<)\S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show version',
      // The uptime line.
      clean: (output) => heading('VERSION') + rejectLines(output, [/Uptime/]),
    },
    { command: 'show platform syseeprom', clean: (output) => heading('SYSEEPROM') + output },
  ],
  // Oxidized's `post`: the running configuration under its heading, after the facts.
  post: async ({ run }) => heading('CONFIGURATION') + (await run('show running-configuration')),
});
