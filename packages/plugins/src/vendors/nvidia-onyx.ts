/**
 * NVIDIA (Mellanox) Onyx / MLNX-OS switches. Same commands and stored bytes as Oxidized's `mlnxos` model:
 * version and inventory as `## ` comments, the answer to `enable`, then the running config.
 */
import { linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, escapeCodesExpect } from '../runtime/shell-plugin.js';

export const nvidiaOnyxPlugin = defineShellPlugin({
  key: 'nvidia_onyx',
  oxidizedModel: 'mlnxos',
  friendlyName: 'NVIDIA Onyx (MLNX-OS)',
  description: 'Running config plus version and inventory, over an SSH shell.',
  prompt: /^\r?\S* \[\S+: (master|standby)\] [#>] $/m,
  commentPrefix: '## ',
  expects: [
    escapeCodesExpect,
    // The `less`-style pager ("lines 183-204 ", last page "lines 256-269/269 (END) "): space for more.
    { pattern: /lines \d+-\d+( |\/\d+ \(END\) )/, send: ' ' },
  ],
  postLogin: ['no cli session paging enable'],
  logout: ['', 'exit'],
  cleanAll(output) {
    // A character followed by a backspace: the pager erasing itself.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what the device sends.
    const erased = output.replace(rb(/.\x08/g), '');
    // The command echo and the blank line after it, and the prompt with the blank line before it.
    const lines = linesOf(erased);
    return lines.slice(2, Math.max(2, lines.length - 2)).join('');
  },
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords: the whole statement goes.
      .replace(rb(/(snmp-server community).*/g), '   <snmp-server community configuration removed>')
      // Local user password hashes: the whole statement goes.
      .replace(rb(/username (\S+) password (\d+) (\S+).*/g), '<secret hidden>'),
  commands: [
    {
      command: 'show version',
      // CPU load, memory use and uptime change on every run.
      clean: (output, { comment }) =>
        comment(`${rejectLines(output, [/^CPU load averages:\s.+/, /^System memory:\s.+/, /^Uptime:\s.+/])}\n`),
    },
    { command: 'show inventory', clean: (output, { comment }) => comment(`${output}\n`) },
    // Privileged mode for the running config; its (usually empty) answer is part of Oxidized's stored bytes.
    { command: 'enable' },
    {
      command: 'show running-config',
      // The generation timestamp in the config header.
      clean: (output) => rejectLines(output, [/.+Generated at\s\d+.+/]),
    },
  ],
});
