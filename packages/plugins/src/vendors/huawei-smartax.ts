/**
 * Huawei SmartAX access nodes (MA5600T/MA5800 OLTs, MA5616/MA5608 MDUs). Same commands and stored bytes as
 * Oxidized's `smartax` model: the current configuration.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const huaweiSmartaxPlugin = defineShellPlugin({
  key: 'huawei_smartax',
  oxidizedModel: 'smartax',
  friendlyName: 'Huawei SmartAX (MA5600T/MA5800)',
  description: 'Current configuration, over an SSH shell.',
  // `MA5800-X17>`, `MA5800-X17#`.
  prompt: rb(/^([\w.-]+[>#])$/),
  commentPrefix: '#',
  telnetLogin: { username: rb(/^>>User name:$/), password: rb(/^>>User password:$/) },
  // Privileged mode, no confirmations or smart prompts, and the whole output at once.
  postLogin: ['enable', 'undo interactive', 'undo smart', 'scroll'],
  logout: ['quit'],
  // Oxidized's `smartax` hides nothing; ours: the `%^%#…%^%#` / `%@%@…%@%@` cipher text of passwords,
  // keys and communities.
  maskSecrets: (output) =>
    output.replace(rb(/(%\^%#.*%\^%#)/g), '<secret hidden>').replace(rb(/(%@%@.*%@%@)/g), '<secret hidden>'),
  commands: [
    // Without the echo and the trailing prompt.
    { command: 'display current-configuration', clean: (output) => cutBoth(output) },
  ],
});
