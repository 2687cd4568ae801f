/**
 * Alcatel-Lucent OmniSwitch on AOS 6 (OS6250/6400/6450/6850/9000). Same commands and stored bytes as
 * Oxidized's `aos` model: the system description, chassis, hardware and licences as `! ` comments, then the
 * configuration snapshot. (AOS 7/8 is `alcatel_aos7`.)
 */
import { cutBoth, linesOf, rb, rubyStrip } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin } from '../runtime/shell-plugin.js';

const asComment = (output: string, { comment }: CleanTools) => comment(output);

export const alcatelAosPlugin = defineShellPlugin({
  key: 'alcatel_aos',
  oxidizedModel: 'aos',
  friendlyName: 'Alcatel-Lucent OmniSwitch (AOS 6)',
  description: 'Configuration snapshot plus system, chassis, hardware and licences, over an SSH shell.',
  // Oxidized's default prompt: `->`-less AOS 6 prompts such as `sw-core1>`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '! ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^login : /), password: rb(/^password : /) },
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `aos` hides nothing; ours: RADIUS/TACACS+ keys, user passwords and SNMP communities.
  maskSecrets: (output) =>
    output
      // RADIUS/TACACS+ keys and user passwords, quoted or not.
      .replace(rb(/\b(hash-key|key|password) ("[^"]*"|\S+)/g), '$1 <secret hidden>')
      // SNMP community maps.
      .replace(rb(/\b(community map) ("[^"]*"|\S+)/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show system',
      // Only the description line, stripped, without a newline (the next comment follows on the same line, as
      // in Oxidized).
      clean: (output, { comment }) => {
        const line = linesOf(output).find((candidate) => candidate.includes('Description')) ?? '';
        return comment(rubyStrip(line));
      },
    },
    { command: 'show chassis', clean: asComment },
    { command: 'show hardware info', clean: asComment },
    { command: 'show license info', clean: asComment },
    { command: 'show license file', clean: asComment },
    { command: 'show configuration snapshot' },
  ],
});
