/**
 * Alcatel-Lucent Enterprise OmniSwitch, AOS 7 and 8 (OS6860/6900/9900/10K). Same commands and stored bytes
 * as Oxidized's `aos7` model: each output under a `! COMMAND:` line, system, chassis, hardware and running
 * directory as `! ` comments, the configuration snapshot, and, on a virtual chassis, every member's VC boot
 * configuration first.
 */
import { cutBoth, linesOf, rb, rubyStrip } from '../runtime/cleanup.js';
import { defineShellPlugin, type PostSession } from '../runtime/shell-plugin.js';

/** Pauses the CLI prints when a command runs slowly, and the blank lines they leave. */
function withoutWaits(output: string, blankRun: RegExp, replacement: string): string {
  return output.replace(rb(/^Please wait...\n/g), '').replace(blankRun, replacement);
}

/** The boot configuration of each slave chassis (commented), then the master's, when the switch is a VC. */
async function virtualChassisBoot({ run, rawOutputOf, comment }: PostSession): Promise<string> {
  const chassis = rawOutputOf('show chassis') ?? '';
  const master = rb(/Chassis ID (\d+) \(Master\)/).exec(chassis)?.[1];
  if (master === undefined) return '';
  const parts: string[] = [];
  for (const slave of chassis.matchAll(rb(/Chassis ID (\d+) \(Slave\)/g))) {
    parts.push(comment(`vc_boot.cfg for slave chassis ${slave[1]}`));
    parts.push(comment(await run(`show configuration vcm-snapshot chassis-id ${slave[1]}`)));
  }
  parts.push(await run(`show configuration vcm-snapshot chassis-id ${master}`));
  return parts.join('\n');
}

export const alcatelAos7Plugin = defineShellPlugin({
  key: 'alcatel_aos7',
  oxidizedModel: 'aos7',
  friendlyName: 'Alcatel-Lucent OmniSwitch AOS 7/8',
  description: 'Configuration snapshot plus system, chassis and hardware, and virtual-chassis boot configs.',
  // `host> ` or `host# `; firmware 8.8 puts a space before the `>`.
  prompt: /^([\w.@-]+ ?[#>]\s?)$/m,
  commentPrefix: '! ',
  logout: ['exit'],
  // A `COMMAND:` header, then the output without the command echo and the trailing prompt.
  cleanAll: (output, { comment, command }) => comment(`COMMAND: ${command}\n`) + cutBoth(output),
  commands: [
    {
      command: 'show system',
      // Only the description line (model and release): the rest holds uptime, clock and free flash.
      clean(output, { comment }) {
        const description = linesOf(output).find((line) => line.includes('Description')) ?? '';
        return comment(`${rubyStrip(description)}\n`);
      },
    },
    { command: 'show chassis', clean: (output, { comment }) => comment(output) },
    {
      command: 'show hardware-info',
      clean: (output, { comment }) => comment(withoutWaits(output, rb(/^\n\n\n/g), '\n\n')),
    },
    {
      command: 'show running-directory',
      clean: (output, { comment }) => comment(withoutWaits(output, rb(/^\n\n/g), '\n')),
    },
    { command: 'show configuration snapshot', clean: (output) => withoutWaits(output, rb(/^\n\n/g), '\n') },
  ],
  // Oxidized's `pre`: runs after the commands (it needs the chassis list) but goes first in the config.
  post: virtualChassisBoot,
  postGoesFirst: true,
});
