/**
 * Ruckus (Brocade/Foundry) FastIron switches: FCX, ICX. Same commands and stored bytes as Oxidized's
 * `fastiron` model: version facts, modules, optics, hardware and stack as `! ` comments, then the running
 * config.
 */
import { cutBoth, linesOf, prefixEachLine, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const ruckusFastironPlugin = defineShellPlugin({
  key: 'ruckus_fastiron',
  oxidizedModel: 'fastiron',
  friendlyName: 'Ruckus / Brocade FastIron (FCX, ICX)',
  description: 'Running config plus version, modules, optics and stack, over an SSH shell.',
  // `SSH@switch#`, stack members included (`SSH@switch-001/002#`).
  prompt: /^([\w.@/()-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  options: [enableOption],
  login: enableLogin('enable', /[pP]assword:/),
  postLogin: ['skip-page-display'],
  // Out of enable, then the session.
  logout: ['exit', 'exit'],
  cleanAll: (output) =>
    // Error lines of commands that some models lack, then the command echo and the trailing prompt.
    cutBoth(output.replace(rb(/^% Invalid input detected at '\^' marker\.$|^\s+\^$/g), '')),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(summariseVersion(output)) },
    {
      command: 'show module',
      clean(output, { comment }) {
        // Blank lines, then each module line labelled.
        const modules = output.replace(rb(/^$\n/g), '');
        return comment(`${modules === '' ? modules : prefixEachLine(modules, 'Modules: ')}\n`);
      },
    },
    { command: 'show media | exclude EMPTY', clean: (output, { comment }) => comment(output) },
    { command: 'show hardware-info', clean: (output, { comment }) => comment(output) },
    // Stack topology without the `T=` uptime lines.
    { command: 'show stack | exclude T=', clean: (output, { comment }) => comment(output) },
    { command: 'show running-config' },
  ],
});

/** The first line, then software version, boot monitor version and serial numbers (no uptime). */
function summariseVersion(output: string): string {
  const lines = linesOf(output);
  const facts = [lines[0] ?? ''];
  for (const line of lines) {
    const version = rb(/^\s+SW: Version (.*)$/).exec(line);
    if (version) facts.push(`Version: ${version[1]}`);
    const boot = rb(/^\s+Compressed Boot-Monitor Image size = \d+, Version:(.*)$/).exec(line);
    if (boot) facts.push(`Boot-Monitor Version: ${boot[1]}`);
    const serial = rb(/^\s+Serial {2}#:(.*)$/).exec(line);
    if (serial) facts.push(`Serial: ${serial[1]}`);
  }
  facts.push('\n');
  return facts.join('\n');
}
