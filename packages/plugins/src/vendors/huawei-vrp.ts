/**
 * Huawei VRP routers and switches (NE, AR, S-series, CloudEngine). Same commands and stored bytes as Oxidized's
 * `vrp` model: version (without uptime) and devices as `# ` comments, then the full current configuration
 * (`display current-configuration all`), timestamp lines dropped.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** The `2021-06-01 10:00:00.123+08:00` line VRP prints before some outputs. */
const timestampLine = /^\d\d\d\d-\d\d-\d\d \d\d:\d\d:\d\d(\.\d\d\d)? ?(\+\d\d:\d\d)?$/;

export const huaweiVrpPlugin = defineShellPlugin({
  key: 'huawei_vrp',
  oxidizedModel: 'vrp',
  friendlyName: 'Huawei VRP',
  description: 'Full current configuration plus version and devices, over an SSH shell.',
  // `<HUAWEI>`, `<core-r1>`; anything before it on the line is allowed.
  prompt: rb(/^.*(<[\w.-]+>)$/),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/^Username:$/), password: rb(/^Password:$/) },
  postLogin: ['screen-length 0 temporary'],
  logout: ['quit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets: (output) =>
    output
      // The SIM PIN of a cellular interface.
      .replace(rb(/(pin verify (?:auto|)).*/g), '$1 <PIN hidden>')
      // VRP's reversible `%^%#…%^%#` (and `%@%@…%@%@`) cipher text: passwords, keys, communities.
      .replace(rb(/(%\^%#.*%\^%#)/g), '<secret hidden>')
      // Ours, after Oxidized's rules: the `%@%@…%@%@` and `%$%$…%$%$` cipher text of other releases and the
      // `$1a$…$` irreversible-cipher hashes, which it leaves.
      .replace(rb(/(%@%@.*%@%@)/g), '<secret hidden>')
      // `%$%$…%$%$` cipher text.
      .replace(rb(/(%\$%\$.*%\$%\$)/g), '<secret hidden>')
      // `$1a$…$` irreversible-cipher hashes.
      .replace(rb(/\$1[a-d]\$\S+\$/g), '<secret hidden>'),
  commands: [
    {
      command: 'display version',
      // Uptime and timestamp lines.
      clean: (output, { comment }) => comment(rejectLines(output, [/uptime/, timestampLine])),
    },
    {
      command: 'display device',
      clean: (output, { comment }) => comment(rejectLines(output, [timestampLine])),
    },
    { command: 'display current-configuration all', clean: (output) => rejectLines(output, [timestampLine]) },
  ],
});
