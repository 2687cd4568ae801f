/**
 * Ubiquiti airOS radios (airMAX M/AC: NanoStation, Rocket, PowerBeam, LiteBeam) over SSH exec channels. Same
 * commands and stored bytes as Oxidized's `airos` model: board info and version as `# ` comments, then the
 * sorted system.cfg.
 */
import { rb, splitLines } from '../runtime/cleanup.js';
import { defineShellPlugin, sshNoExecOption } from '../runtime/shell-plugin.js';

export const ubiquitiAirosPlugin = defineShellPlugin({
  key: 'ubiquiti_airos',
  oxidizedModel: 'airos',
  friendlyName: 'Ubiquiti airOS',
  description: 'system.cfg (sorted) plus board info and version, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // `XM.v6.3.6# ` (BusyBox shell), for `ssh_no_exec`.
  prompt: rb(/^[^#]+# /),
  commentPrefix: '# ',
  options: [sshNoExecOption],
  maskSecrets: (output) =>
    output
      // User password hashes and the SNMP community: the whole line becomes a comment.
      .replace(rb(/^(users\.\d+\.password|snmp\.community)=.+/g), '# $1=<hidden>')
      // Ours, after Oxidized's rule: Wi-Fi pre-shared keys, RADIUS secrets and PPPoE passwords it leaves.
      .replace(rb(/^([\w.]*\.(?:psk|passphrase|secret|password))=(?!<).+/g), '$1=<hidden>'),
  commands: [
    {
      command: 'cat /etc/board.info',
      // Every line commented; one final newline.
      clean: (output) =>
        `${splitLines(output)
          .map((line) => `# ${line}`)
          .join('\n')}\n`,
    },
    { command: 'cat /etc/version', clean: (output, { comment }) => comment(`airos version: ${output}`) },
    { command: 'sort /tmp/system.cfg' },
  ],
});
