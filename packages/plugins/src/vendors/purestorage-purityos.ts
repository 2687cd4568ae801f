/**
 * Pure Storage FlashArray on Purity//FA. Same commands and stored bytes as Oxidized's `purityos` model: the
 * `pureconfig list` script without alert flags, Veeam snapshot lines and blank lines (echo and prompt kept, as
 * Oxidized keeps them).
 */
import { rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const purestoragePurityosPlugin = defineShellPlugin({
  key: 'purestorage_purityos',
  oxidizedModel: 'purityos',
  friendlyName: 'Pure Storage Purity//FA',
  description: 'pureconfig list, over an SSH shell.',
  // `pureuser@flasharray01> `.
  prompt: rb(/\w+@\S+(\s+\S+)*\s?>\s?$/),
  commentPrefix: '# ',
  logout: ['exit'],
  // Oxidized's `purityos` hides nothing; ours: passwords, keys and secrets in the command script.
  maskSecrets: (output) =>
    output.replace(rb(/(--(?:password|secret|key|api-token|community)) \S+/g), '$1 <secret hidden>'),
  // Oxidized's `pty_options(term: "dumb")`: no colours or cursor control in the CLI's tables.
  terminal: { type: 'dumb' },
  commands: [
    {
      command: 'pureconfig list',
      clean: (output) =>
        rejectLines(
          output
            // Alert flags and Veeam snapshots, which come and go.
            .replace(rb(/^purealert flag \d+$/g), '')
            // Veeam storage snapshots.
            .replace(rb(/(.*VEEAM-StorageLUNSnap-[0-9a-f].*)/g), '')
            // Veeam export snapshots.
            .replace(rb(/(.*VEEAM-ExportLUNSnap-[0-9A-F].*)/g), ''),
          // Blank lines.
          // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is among the characters Oxidized drops.
          [/^[\r\n\s\u0000#]+$/],
        ),
    },
  ],
});
