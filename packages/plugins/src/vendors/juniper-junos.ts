/**
 * Juniper Junos. Same commands and stored bytes as Oxidized's `junos` model: version, hardware and licences
 * as a `# `-commented header, the config, then one status that depends on the model `show version` names
 * (fabric reachability on an MX960, virtual chassis on EX/QFX, chassis cluster on SRX). Each command runs on
 * its own exec channel, so there is no prompt, echo or paging to deal with.
 * Ruby's `.` matches `\r` and JavaScript's does not: `[^\n]` stands for it in the ported patterns.
 */
import { cutBoth, linesOf, rstripLines } from '../runtime/cleanup.js';
import { booleanOption, defineShellPlugin, type PostSession, sshNoExecOption } from '../runtime/shell-plugin.js';

/** The one model-specific status Oxidized appends after the config (its `post` block). */
async function modelStatus({ rawOutputOf, run, comment }: PostSession): Promise<string> {
  const model = /^Model: (\S+)/m.exec(rawOutputOf('show version') ?? '')?.[1];
  if (model === undefined) return '';
  if (model === 'mx960') return comment(await run('show chassis fabric reachability'));
  if (/^(ex22|ex3[34]|ex4|ex8|qfx)/.test(model)) return comment(await run('show virtual-chassis'));
  if (!/^srx/.test(model)) return '';
  const cluster = await run('show chassis cluster status');
  // A standalone SRX answers with a one-line error: nothing worth keeping.
  return linesOf(cluster).length <= 1 && cluster.includes('error:') ? '' : comment(cluster);
}

export const juniperJunosPlugin = defineShellPlugin({
  key: 'juniper_junos',
  oxidizedModel: 'junos',
  completeWhen: /(?:^|\n)\}\n(?:(?:#[^\n]*)?\n)*$/, // the config's closing brace, then only comment lines
  friendlyName: 'Juniper Junos',
  description:
    'Configuration (`display omit`) plus version, hardware and licence header, and the SRX cluster, EX/QFX virtual-chassis or MX960 fabric status, over SSH exec.',
  // Exec mode never sees a prompt; this is the CLI prompt, for the prompt tests and shell fallbacks.
  prompt: /^(\{\w+(:\w+)?\}\r?\n)?([\w.@()/:-]+[>#]\s?)$/m,
  transport: 'ssh-exec',
  commentPrefix: '# ',
  options: [sshNoExecOption],
  // Only in a shell (`ssh_no_exec`): no pager, no wrapping; then leave the CLI.
  postLogin: ['set cli screen-length 0', 'set cli screen-width 0'],
  logout: ['exit'],
  cleanAll(raw, { target }) {
    // In a shell (`ssh_no_exec`), the command echo and the trailing prompt.
    const output = target && booleanOption(target, sshNoExecOption.key) ? cutBoth(raw) : raw;
    // Subscriber-scale licence counters change with load, not with configuration.
    const subscribers = output.replace(/ {2}scale-subscriber (\s+)(\d+)/g, '  scale-subscriber                <count>');
    // vMX bandwidth licence counters, likewise.
    const bandwidth = subscribers.replace(
      /VMX-BANDWIDTH\s+(\d+) ([^\n]*)/g,
      'VMX-BANDWIDTH                  <count> $2',
    );
    // Trailing blanks, which Junos pads table columns with; the output always ends with one `\n`.
    return rstripLines(bandwidth);
  },
  maskSecrets(config) {
    return (
      config
        // SNMP community names are passwords.
        .replace(/community (\S+) \{/g, 'community <hidden> {')
        // SSH public keys of users, which Junos marks as SECRET-DATA.
        .replace(/(ssh-(rsa|dsa|ecdsa|ecdsa-sk|ed25519|ed25519-sk) )"[^\n]*; ## SECRET-DATA/g, '<secret removed>')
        // `$N$` hashed or encrypted secrets that Junos marks as SECRET-DATA.
        .replace(/ "\$\d\$\S+; ## SECRET-DATA/g, ' <secret removed>;')
        // A cleartext password in an archive-site URL (`user:pass@host`), which Junos does not mark at all.
        .replace(/((?:ftp|pasvftp|sftp|scp|https?):\/\/[^/@"]+):[^@"]+@/g, '$1:<secret removed>@')
        // Ours from here: secrets Oxidized's rules leave in the clear (its rules consume the marker they mask).
        // Any other value Junos marks as SECRET-DATA (a plain `encrypted-password`, a key not in `$N$` form).
        .replace(/ (?:"[^"\n]*"|[^\s";]+); ## SECRET-DATA/g, ' <secret removed>;')
    );
  },
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show chassis hardware', clean: (output, { comment }) => comment(output) },
    {
      command: 'show system license',
      clean: (output, { comment }) =>
        comment(
          output
            // FIB and RIB scale licence counters change with the table sizes.
            .replace(/ {2}fib[-\s]scale\s+(\d+)/gi, '  fib-scale                       <count>')
            // The same for RIB scale.
            .replace(/ {2}rib[-\s]scale\s+(\d+)/gi, '  rib-scale                       <count>'),
        ),
    },
    { command: 'show system license keys', clean: (output, { comment }) => comment(output) },
    { command: 'show configuration | display omit' },
  ],
  post: modelStatus,
});
