/**
 * Ciena SAOS 10.x. Same commands and stored bytes as Oxidized's `saos10` model: hostname, software,
 * components, health and reset reasons as `# ` comments, then the running config.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin } from '../runtime/shell-plugin.js';

function commented(output: string, { comment }: CleanTools): string {
  return comment(output);
}

export const cienaSaos10Plugin = defineShellPlugin({
  key: 'ciena_saos10',
  oxidizedModel: 'saos10',
  friendlyName: 'Ciena SAOS 10',
  description: 'Running config plus system, software and health facts, over an SSH shell.',
  prompt: /^[\w-]+\*?> ?$/m,
  commentPrefix: '# ',
  postLogin: ['set session more off'],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  commands: [
    { command: 'show system hostname', clean: commented },
    { command: 'show software', clean: commented },
    { command: 'show system components', clean: commented },
    { command: 'show system health', clean: commented },
    { command: 'show system last-reset-reasons', clean: commented },
    {
      command: 'show running config',
      // The creation time and terminal of this dump, which differ on every run.
      clean: (output) => output.replace(rb(/^! Created: [^\n]*\n/g), '').replace(rb(/^! On terminal: [^\n]*\n/g), ''),
    },
  ],
});
