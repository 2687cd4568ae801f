/** Juniper Junos. Same commands and stored bytes as Oxidized's `junos` model (exec channel per command). */
import { linesOf } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const juniperJunosPlugin = defineShellPlugin({
  key: 'juniper_junos',
  oxidizedModel: 'junos',
  friendlyName: 'Juniper Junos',
  description: 'Configuration (`display omit`) plus version, hardware and licence header, over SSH exec.',
  // Exec mode never sees a prompt; this is the CLI prompt, for the prompt tests and shell fallbacks.
  prompt: /^(\{\w+(:\w+)?\}\r?\n)?([\w.@()/:-]+[>#]\s?)$/m,
  transport: 'ssh-exec',
  commentPrefix: '# ',
  cleanAll(output) {
    // Subscriber-scale counters change with load, not with configuration.
    const scaled = output.replace(/ {2}scale-subscriber (\s+)(\d+)/g, '  scale-subscriber                <count>');
    // Trailing blanks, which Junos pads table columns with.
    return `${linesOf(scaled)
      .map((line) => line.trimEnd())
      .join('\n')}\n`;
  },
  maskSecrets(config) {
    return (
      config
        // SNMP community names are passwords.
        .replace(/community (\S+) \{/g, 'community <hidden> {')
        // `$N$` hashed secrets that Junos marks as SECRET-DATA.
        .replace(/ "\$\d\$\S+; ## SECRET-DATA/g, ' <secret removed>;')
    );
  },
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show chassis hardware', clean: (output, { comment }) => comment(output) },
    { command: 'show system license', clean: (output, { comment }) => comment(output) },
    { command: 'show system license keys', clean: (output, { comment }) => comment(output) },
    { command: 'show configuration | display omit' },
    {
      command: 'show chassis cluster status',
      // Only SRX clusters have a state worth keeping; standalone boxes and other models answer with an error.
      clean: (output, { comment }) => (/error:/.test(output) ? '' : comment(output)),
    },
  ],
});
