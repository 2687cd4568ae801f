/**
 * APC / Schneider Electric Network Management Cards (AOS, NMC2/NMC3 in UPSs and PDUs). Same commands and
 * stored bytes as Oxidized's `apcaos` model: card, UPS and status facts as `; ` comments over the SSH CLI,
 * then `config.ini` copied over SCP (Oxidized also accepts FTP, which DeviceVault does not speak).
 */
import { cutBoth, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** The echo and the `E000: Success` line, the trailing prompt, and every CR. */
function clean(output: string): string {
  return cutBoth(output, 2, 1).replace(/\r/g, '');
}

export const apcAosPlugin = defineShellPlugin({
  key: 'apc_aos',
  oxidizedModel: 'apcaos',
  friendlyName: 'APC Network Management Card (AOS)',
  description: 'config.ini over SCP plus card, UPS and status facts from the SSH CLI.',
  // `apc>` or `user@apc>`.
  prompt: /^(:?\S+@)?apc>/m,
  commentPrefix: '; ',
  logout: ['exit'],
  commands: [
    {
      command: 'about',
      // Uptime and the card's clock.
      clean: (output, { comment }) =>
        comment(rejectLines(clean(output), [/^Management Uptime: /, /^Date: /, /^Time: /])),
    },
    { command: 'upsabout', clean: (output, { comment }) => comment(clean(output)) },
    { command: 'detstatus -ss', clean: (output, { comment }) => comment(clean(output)) },
  ],
  files: [
    {
      path: 'config.ini',
      // The generation stamp in the file's header, new on every download.
      clean: (content) =>
        `; ========== config.ini ==========\n${rejectLines(content, [/^; Configuration file, generated on /])}`,
    },
  ],
});
