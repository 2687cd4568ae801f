/**
 * Extreme Networks (Motorola/Symbol) WiNG wireless controllers and APs, RFS series. Same commands and
 * stored bytes as Oxidized's `mtrlrfs` model: version and licences as `# ` comments, then the running config.
 */
import { linesOf, rubyRstrip } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const extremeWingPlugin = defineShellPlugin({
  key: 'extreme_wing',
  oxidizedModel: 'mtrlrfs',
  friendlyName: 'Extreme WiNG (Motorola RFS)',
  description: 'Running config plus version and licences, over an SSH shell.',
  // `host#`, `host>`, and `host*#` with unsaved changes.
  prompt: /^([\w.@-]+\*?[#>])\s?$/m,
  commentPrefix: '# ',
  postLogin: ['terminal length 0'],
  // `exit` asks whether to save unsaved changes: nothing was changed here, so no.
  logout: ['exit', 'n'],
  // The echo and the prompt; then the CRs and trailing blanks the CLI leaves on every line.
  cleanAll: (output) =>
    `${linesOf(output)
      .slice(1, -1)
      .map((line) => rubyRstrip(line.replace(/\r/g, '')))
      .join('\n')}\n`,
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show licenses', clean: (output, { comment }) => comment(output) },
    { command: 'show running-config' },
  ],
});
