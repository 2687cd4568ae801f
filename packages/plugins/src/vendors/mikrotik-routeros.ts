/**
 * MikroTik RouterOS. Same commands and stored bytes as Oxidized's `routeros` model: resource, version and
 * history as a `# `-commented header, then the export chosen by the RouterOS major version (`/export
 * show-sensitive` from 7 on, `/export` before) or by `remove_secret` (`/export hide-sensitive`). Each command
 * runs on its own exec channel.
 */
import { cutBoth, keepLines, linesOf, rb, rstripLines, splitLines } from '../runtime/cleanup.js';
import { booleanOption, defineShellPlugin, type PostSession, sshNoExecOption } from '../runtime/shell-plugin.js';

/** Colour (`m`) and erase-line (`K`) escape codes; the class is Oxidized's `[m|K]`, bar included. */
function withoutColours(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
  return text.replace(/\x1B\[([0-9]{1,3}(;[0-9]{1,3})*)?[m|K]/g, '');
}

/** The first line naming the installed RouterOS version (`current-version` on older releases). */
function versionLineOf(output: string): string | undefined {
  return linesOf(output).find((line) => /installed-version:\s|current-version:\s/.test(line));
}

/** The export for the RouterOS major version (its first digit, as Oxidized reads it), cleaned. */
async function routerExport({ rawOutputOf, run, target, scrubSecrets }: PostSession): Promise<string> {
  const digit = /[0-9]/.exec(versionLineOf(withoutColours(rawOutputOf('/system package update print') ?? '')) ?? '');
  const major = digit ? Number(digit[0]) : undefined;
  const command =
    scrubSecrets || booleanOption(target, 'remove_secret')
      ? '/export hide-sensitive'
      : major !== undefined && major >= 7
        ? '/export show-sensitive'
        : '/export';
  return cleanExport(await run(command));
}

function cleanExport(output: string): string {
  const cleaned = output
    // Line continuations: a trailing backslash, the line break and the next line's indent.
    .replace(/\\\r?\n\s+/g, '')
    // A PoE port fed from its own PoE-in: a passing state RouterOS writes into the export as a comment.
    .replace(/# poe-out status: voltage_on_poe-in\r?\n/g, '');
  // Oxidized's rules for `# inactive time`, `# received packet from … bad format`, `# poe-out status:
  // short_circuit`, firmware-upgrade, `not ready` and restart-needed comments expect `\r\n`, but its `cmd :all`
  // has already right-trimmed every line: those comments stay in its output, so they stay in ours.
  const kept = splitLines(cleaned).filter(
    // The export header's date and time (`# jan/02/2024 …` before 7, `# 2024-01-02 …` from 7 on).
    (line) => !/^#\s\w{3}\/\d{2}\/\d{4}/.test(line) && !/^#\s\d{4}-\d{2}-\d{2}/.test(line),
  );
  return `${kept.join('\n')}\n`;
}

export const mikrotikRouterosPlugin = defineShellPlugin({
  key: 'mikrotik_routeros',
  oxidizedModel: 'routeros',
  friendlyName: 'MikroTik RouterOS',
  description:
    '`/export` (sensitive values shown on 7.x unless hidden) plus resource, version and history header, over SSH exec.',
  // Exec mode never sees a prompt; this is the CLI prompt, for the prompt tests and shell fallbacks.
  prompt: /\[\w+@\S+(\s+\S+)*\]\s?>\s?$/m,
  transport: 'ssh-exec',
  commentPrefix: '# ',
  options: [
    {
      key: 'remove_secret',
      description: '"true" to export with `hide-sensitive` even when secrets are not scrubbed (Oxidized var)',
      required: false,
    },
    sshNoExecOption,
  ],
  // Only in a shell (`ssh_no_exec`).
  logout: ['quit'],
  cleanAll(output, { target }) {
    const plain = withoutColours(output);
    // In a shell (`ssh_no_exec`): the echo and the prompt, then the carriage returns RouterOS's line editor
    // puts before and after lines.
    const shell =
      target && booleanOption(target, sshNoExecOption.key)
        ? cutBoth(plain)
            // Carriage returns before a line.
            .replace(rb(/^\r+(.+)/g), '$1')
            // Carriage returns after a line.
            .replace(rb(/([^\r]*)\r+$/g), '$1')
        : plain;
    // The blanks RouterOS pads table columns with.
    return rstripLines(shell);
  },
  commands: [
    {
      command: '/system resource print',
      // Only what identifies the hardware and software: uptime, load and free space change by the second.
      clean: (output, { comment }) =>
        comment(
          keepLines(output, [
            /(version|factory-software|total-memory|cpu|cpu-count|total-hdd-space|architecture-name|board-name|platform):/,
          ]),
        ),
    },
    // Only the installed version: the channel and the latest available version are not configuration.
    { command: '/system package update print', clean: (output, { comment }) => comment(versionLineOf(output) ?? '') },
    { command: '/system history print without-paging', clean: (output, { comment }) => comment(output) },
  ],
  post: routerExport,
  significantChanges(config) {
    // The history between the version line and the export header changes on every edit, even an undone one.
    return config.replace(/^(#\s+installed-version: [^\n]+\n)[\s\S]*?^(?=# software id)/gm, '$1');
  },
});
