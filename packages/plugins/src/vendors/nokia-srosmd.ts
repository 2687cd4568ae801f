/**
 * Nokia SR OS routers in model-driven CLI (MD-CLI, SR OS 19.5 and later). Same commands and stored bytes as
 * Oxidized's `srosmd` model: each output under a `# COMMAND:` line; system, cards, chassis, boot log, debug
 * config and persistent indices as `# ` comments, then the BOF and the configuration in full-context form.
 */
import { rb } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin } from '../runtime/shell-plugin.js';
import { srosBootlog, srosChassis, srosCleanAll, srosMaskSecrets } from './nokia-sros.js';

const asComment = (output: string, { comment }: CleanTools) => comment(output);

export const nokiaSrosmdPlugin = defineShellPlugin({
  key: 'nokia_srosmd',
  oxidizedModel: 'srosmd',
  friendlyName: 'Nokia SR OS (MD-CLI)',
  description: 'BOF and configuration plus system, cards, chassis, boot log and debug config, over an SSH shell.',
  // `[/]\nA:admin@pe1# `: the last line is the prompt proper.
  prompt: rb(/^([-\w.@:>*]+\s?[#>]\s?)$/),
  commentPrefix: '# ',
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^Login: /), password: rb(/^Password: /) },
  postLogin: ['environment more false'],
  logout: ['logout'],
  cleanAll: srosCleanAll,
  maskSecrets: srosMaskSecrets,
  commands: [
    {
      command: 'show system information',
      // The uptime line.
      clean: (output, tools) => tools.comment(output.replace(rb(/^System Up Time.*\n/g), '')),
    },
    { command: 'show card state', clean: asComment },
    { command: 'show chassis', clean: srosChassis },
    { command: 'file show bootlog.txt', clean: srosBootlog },
    { command: 'admin show configuration debug full-context', clean: asComment },
    { command: 'file show config.dbg', clean: asComment },
    { command: 'admin show configuration configure | match persistent-indices post-lines 10000', clean: asComment },
    { command: 'admin show configuration bof full-context' },
    { command: 'admin show configuration configure full-context' },
  ],
});
