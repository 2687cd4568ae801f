/**
 * Garderos Router Software (GRS). Same commands and stored bytes as Oxidized's `garderos` model: version,
 * serial and (when a modem is fitted) SIM card as `# ` comments, then the running configuration.
 */
import { cutBoth } from '../runtime/cleanup.js';
import { defineShellPlugin, escapeCodesExpect } from '../runtime/shell-plugin.js';

export const garderosGrsPlugin = defineShellPlugin({
  key: 'garderos_grs',
  oxidizedModel: 'garderos',
  friendlyName: 'Garderos GRS',
  description: 'Running configuration plus version, serial and SIM card, over an SSH shell.',
  prompt: /[\w-]+# /,
  commentPrefix: '# ',
  // The prompt is drawn underlined with escape codes.
  expects: [escapeCodesExpect],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  commands: [
    { command: 'show system version', clean: (output, { comment }) => comment(`${output}\n`) },
    { command: 'show system serial', clean: (output, { comment }) => comment(`${output}\n`) },
    {
      command: 'show hardware wwan wwan0 sim',
      // Routers without a radio modem reject the command: nothing to record then.
      clean: (output, { comment }) => (output.startsWith('Unknown command') ? '' : comment(`${output}\n`)),
    },
    { command: 'show configuration running' },
  ],
});
