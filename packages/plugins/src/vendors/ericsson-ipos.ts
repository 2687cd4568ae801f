/**
 * Ericsson IPOS routers (SSR 8000, Router 6000) and Redback SmartEdge on SEOS. Same commands and stored bytes as
 * Oxidized's `ipos` model: chassis, hardware and release as `! ` comments, then the configuration without its
 * header and the "last changed" lines the system rewrites.
 */
import { cutTail, linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

const asComment = (output: string, { comment }: CleanTools) => comment(cutTail(output));

export const ericssonIposPlugin = defineShellPlugin({
  key: 'ericsson_ipos',
  oxidizedModel: 'ipos',
  friendlyName: 'Ericsson IPOS / Redback SEOS',
  description: 'Configuration plus chassis, hardware and release, over an SSH shell.',
  // `[local]router1#`. Oxidized's prompt also takes `login:` and `Password:` (it relies on that for the enable
  // password); here they are left to the TELNET login and the enable step, which wait for them explicitly.
  prompt: rb(/^(?!login:|[Pp]assword:)([[\]\w.@-]+[#:>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/^login:/), password: rb(/^\r*password:/) },
  options: [enableOption],
  // No paging, then `enable` and its password.
  async login({ run, target }) {
    await run('terminal length 0');
    const enable = enableVar(target);
    if (enable === true) await run('enable');
    else if (enable) {
      await run('enable', rb(/[Pp]assword:\s?$/));
      await run(enable);
    }
  },
  // Leave and do not save.
  logout: ['exit', 'n'],
  // Oxidized's `ipos` hides nothing; ours: administrator passwords, RADIUS/TACACS+ keys and SNMP communities.
  maskSecrets: (output) =>
    output
      // Administrator passwords.
      .replace(rb(/^(\s*administrator \S+ (?:encrypted \d )?)\S+/g), '$1<secret hidden>')
      // RADIUS/TACACS+ server keys.
      .replace(rb(/^(\s*(?:radius|tacacs\+) server \S+ (?:encrypted-)?key) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(\s*snmp community) \S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show chassis', clean: asComment },
    { command: 'show hardware', clean: asComment },
    { command: 'show release', clean: asComment },
    {
      command: 'show configuration',
      clean: (output, { comment }) => {
        const lines = linesOf(output.replaceAll('\r\n', '\n'));
        // The echo commented; the "Building configuration" and "Current configuration" lines and the prompt gone.
        const kept = [comment(lines[0] ?? ''), ...lines.slice(4, -1)].join('');
        // "Last changed" lines the system or nobody in particular rewrites.
        return rejectLines(kept, [
          'Configuration last changed by system user',
          "Configuration last changed by user '%LICM%' at",
          "Configuration last changed by user '<NO USER>' at",
          "Configuration last changed by user '' at",
        ]);
      },
    },
  ],
});
