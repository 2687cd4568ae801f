/**
 * WatchGuard Fireware OS (Firebox / XTM). Same commands and stored bytes as Oxidized's `firewareos` model:
 * system info as `-- ` comments, then the XML configuration exported to the console.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const watchguardFirewarePlugin = defineShellPlugin({
  key: 'watchguard_fireware',
  oxidizedModel: 'firewareos',
  friendlyName: 'WatchGuard Fireware OS',
  description: 'XML configuration plus system info, over an SSH shell.',
  // `WG>`, `[FAULT]WG<managed-by-wsm><master>>`, …
  prompt: /^\[?\w*\]?\w*?(?:<[\w-]+>)*(#|>)\s*$/m,
  commentPrefix: '-- ',
  // The logon disclaimer (XTM 11.9.3 and later) must be accepted before the prompt.
  expects: [{ pattern: rb(/^I have read and accept the Logon Disclaimer message. \(yes or no\)\? $/), send: 'yes\n' }],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  commands: [
    {
      command: 'show sysinfo',
      // Uptime, clock, memory and CPU figures change on every run (the match is case-sensitive, as Oxidized's).
      clean: (output, { comment }) => comment(rejectLines(output, [/(.*time.*)|(.*memory.*)|(.*cpu.*)/])),
    },
    { command: 'export config to console' },
  ],
});
