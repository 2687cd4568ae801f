/** MikroTik RouterOS. Same commands and stored bytes as Oxidized's `routeros` model (exec channel per command). */
import { splitLines, stripAnsi } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** `print` fields that change while the router runs (counters, load, free space, time). */
const runtimeFields =
  /^\s*(uptime|build-time|free-memory|cpu-frequency|cpu-load|free-hdd-space|write-sect-since-reboot|write-sect-total|bad-blocks|channel|latest-version|status):/;

function withoutRuntimeFields(output: string): string {
  return `${splitLines(output)
    .filter((line) => !runtimeFields.test(line))
    .join('\n')}\n`;
}

export const mikrotikRouterosPlugin = defineShellPlugin({
  key: 'mikrotik_routeros',
  oxidizedModel: 'routeros',
  friendlyName: 'MikroTik RouterOS',
  description: '`/export` plus resource, package and history header, over SSH exec.',
  // Exec mode never sees a prompt; this is the CLI prompt, for the prompt tests and shell fallbacks.
  prompt: /\[\w+@\S+(\s+\S+)*\]\s?>\s?$/m,
  transport: 'ssh-exec',
  commentPrefix: '# ',
  cleanAll(output) {
    // Colour codes, and the blanks RouterOS pads table columns with.
    return `${splitLines(stripAnsi(output))
      .map((line) => line.trimEnd())
      .join('\n')}\n`;
  },
  commands: [
    { command: '/system resource print', clean: (output, { comment }) => comment(withoutRuntimeFields(output)) },
    { command: '/system package update print', clean: (output, { comment }) => comment(withoutRuntimeFields(output)) },
    // Who changed what and when: useful in the backup, but it changes on every edit, even an undone one.
    {
      command: '/system history print without-paging',
      volatile: true,
      clean: (output, { comment }) => comment(output),
    },
    {
      command: '/export show-sensitive',
      // RouterOS hides secrets itself when asked for a plain export.
      scrubbedCommand: '/export',
      clean(output) {
        // Line continuations: a trailing backslash and the next line's indent.
        const joined = output.replace(/\\\r?\n\s+/g, '');
        // The export timestamp, and comments RouterOS adds by itself (inactive timers, VRRP packet noise).
        const dropped =
          /^#\s(\d{4}-\d{2}-\d{2}|\w{3}\/\d{2}\/\d{4})\s.*$|^# inactive time$|^# received packet from \S+ bad format$/;
        return `${splitLines(joined)
          .filter((line) => !dropped.test(line))
          .join('\n')}\n`;
      },
    },
  ],
});
