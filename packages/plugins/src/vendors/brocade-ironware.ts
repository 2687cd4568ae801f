/**
 * Brocade / Ruckus (Foundry) IronWare: FastIron ICX, NetIron, ServerIron ADX. Same commands and stored bytes
 * as Oxidized's `ironware` model: version, chassis, flash and modules as `! ` comments (without sensor
 * readings), then the running config.
 */
import { linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

export const brocadeIronwarePlugin = defineShellPlugin({
  key: 'brocade_ironware',
  oxidizedModel: 'ironware',
  friendlyName: 'Brocade / Ruckus IronWare (FastIron, NetIron, ICX)',
  description: 'Running config plus version, chassis, flash and modules, over an SSH shell.',
  prompt: /^.*(telnet|ssh)@.+[>#]\s?$/im,
  commentPrefix: '! ',
  options: [enableOption],
  async login({ run, send, target }) {
    const enable = enableVar(target);
    if (enable === true) await run('enable');
    // The enable password is typed straight after `enable`, without waiting for its prompt.
    else if (enable) {
      send('enable\r');
      await run(enable);
    }
  },
  // An empty line first (some releases print a banner on the first key), then no paging.
  postLogin: ['', 'skip-page-display', 'terminal length 0'],
  // Out of enable, config and the session, whichever applies.
  logout: ['logout\nexit\nexit\n'],
  cleanAll(output) {
    // The command echo and the trailing prompt, then the blank lines IronWare sometimes inserts after the echo.
    const lines = linesOf(output).slice(1, -1);
    const firstText = lines.findIndex((line) => !rb(/^\s+$/).test(line));
    return (firstText === -1 ? [] : lines.slice(firstText)).join('');
  },
  commands: [
    {
      command: 'show version',
      // Uptime and start time.
      clean: (output, { comment }) =>
        comment(
          rejectLines(output, [
            /(^((.*)[Ss]ystem uptime(.*))$)/,
            /(^((.*)[Tt]he system started at(.*))$)/,
            /[Uu]p\s?[Tt]ime is .*/,
          ]),
        ),
    },
    { command: 'show chassis', clean: (output, { comment }) => comment(withoutSensorReadings(output)) },
    {
      command: 'show flash',
      clean: (output, { comment }) =>
        comment(
          output
            // Byte counts (ServerIron ADX flash sizes move with every write).
            .replace(rb(/(\d+) bytes/g), '')
            // Free space on code flash.
            .replace(rb(/(^((.*)Code Flash Free Space(.*))$)/g), ''),
        ),
    },
    {
      command: 'show module',
      // Fixed-configuration models reject the command.
      clean: (output, { comment }) => comment(output.replace(rb(/^((Invalid input)|(Type \?)).*$/g), '')),
    },
    {
      command: 'show running-config',
      // The "Current configuration" header lines.
      clean(output) {
        const lines = linesOf(output);
        return lines.length < 2 ? '' : lines.slice(2).join('');
      },
    },
  ],
});

/** `show chassis` without temperatures, fan speeds and the stack-link map, which change on their own. */
function withoutSensorReadings(output: string): string {
  const cleaned = output
    // Current temperature lines.
    .replace(rb(/(^((.*)Current temp(.*))$)/g), '')
    // Fan speed levels.
    .replace(rb(/Speed = [A-Z-]{2,6} \(\d{2,3}%\)/g), '')
    // Fan speed levels in the other wording.
    .replace(rb(/current speed is [A-Z-]{2,6} \(\d{2,3}%\)/g), '')
    // ServerIron ADX fan status with its speed.
    .replace(rb(/Fan \d* - STATUS: OK \D*\d*./g), '')
    // ServerIron ADX temperatures.
    .replace(rb(/\d* deg C/g), '')
    // The stack ring map.
    .replace(rb(/(\[*)1(\]*)<->(\[*)2(\]*)(<->(\[*)3(\]*))*/g), '')
    // Remaining temperature readings.
    .replace(rb(/\d+\.\d deg-C/g), 'XX.X deg-C');
  if (!cleaned.includes('TEMPERATURE')) return cleaned;
  // The sensor table between the TEMPERATURE heading and the Fans section goes, headings included up to "Fans".
  const heading = rb(/.*TEMPERATURE/).exec(cleaned);
  if (!heading) return cleaned;
  const headEnd = heading.index + heading[0].length;
  const fans = rb(/.*Fans/).exec(cleaned.slice(headEnd));
  if (!fans) return cleaned;
  return cleaned.slice(0, headEnd) + cleaned.slice(headEnd + fans.index + fans[0].length);
}
