/**
 * A10 Networks ACOS (AX and Thunder ADCs). Same commands and stored bytes as Oxidized's `acos` model: every
 * output under a `! COMMAND:` line; version, boot images, licence and aFleX list as comments, partition and
 * running config of all partitions, and first, the source of every aFleX script that passed its syntax check.
 */
import { cutBoth, linesOf, rb, rubyStrip } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar, type PostSession } from '../runtime/shell-plugin.js';

/** Oxidized's `(Current configuration|Configuration last … at)` timestamps. */
function withoutConfigTimes(output: string): string {
  return (
    output
      // When the running config was generated.
      .replace(rb(/(Current configuration).*/g), '$1 <removed>')
      // When the config was last changed.
      .replace(rb(/(Configuration last updated at).*/g), '$1 <removed>')
      // When the config was last written to memory.
      .replace(rb(/(Configuration last saved at).*/g), '$1 <removed>')
      // When the config was last synced to the peer.
      .replace(rb(/(Configuration last synchronized at).*/g), '$1 <removed>')
  );
}

/** Scripts per partition from `show aflex all-partitions`, in order: only those whose syntax check passed. */
function aflexByPartition(listing: string): Map<string, string[]> {
  const partitions = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of linesOf(listing)) {
    const partition = rb(/partition: (.+)/).exec(line);
    if (partition) {
      last = partition[1] ?? '';
      partitions.set(last, []);
    }
    const script = rb(/^([\w-]+) +Check/).exec(line);
    if (script) {
      // Oxidized fails on a script listed before any partition line.
      if (last === undefined) throw new Error('aFleX script listed before any partition');
      partitions.get(last)?.push(script[1] ?? '');
    }
  }
  return partitions;
}

/** Oxidized's `pre`: each aFleX script's source as `aflex create <name>` … `.`, per partition. */
async function aflexScripts({ run, rawOutputOf, comment }: PostSession): Promise<string> {
  // The listing as the model's block saw it (after the `! COMMAND:` header and the echo/prompt cut).
  const raw = rawOutputOf('show aflex all-partitions') ?? '';
  const listing = comment('COMMAND: show aflex all-partitions\n') + cutBoth(raw);
  const partitions = aflexByPartition(listing);
  if (partitions.size === 0) return '';
  const out: string[] = [];
  for (const [partition, scripts] of partitions) {
    out.push(`! partition: ${partition}`);
    for (const name of scripts) {
      const shown = await run(`show aflex ${name} partition ${partition}`);
      // What follows the last `Content:` (Ruby's split drops trailing empty parts), stripped.
      const parts = shown.split('Content:');
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      out.push(`aflex create ${name}`);
      out.push(rubyStrip(parts[parts.length - 1] ?? ''));
      out.push('.\n');
    }
  }
  return out.join('\n');
}

export const a10AcosPlugin = defineShellPlugin({
  key: 'a10_acos',
  oxidizedModel: 'acos',
  friendlyName: 'A10 Networks ACOS (Thunder, AX)',
  description: 'Running config of all partitions, aFleX scripts, version, boot images and licence, over an SSH shell.',
  // `vThunder#`, `vThunder-Active-vMaster[1/1]#`, `ax(config)#`.
  prompt: rb(/^([-\w./:?[\]()]+[#>]\s?)$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/login:/), password: rb(/^Password:/) },
  options: [enableOption],
  // Always `enable` (typed blind), then the enable password, or an empty line when there is none.
  async login({ run, send, target }) {
    const enable = enableVar(target);
    send('enable\r');
    await run(typeof enable === 'string' ? enable : '');
    await run('terminal length 0');
    await run('terminal width 0');
  },
  logout: ['exit', 'exit', 'Y\r'],
  // A `! COMMAND: <command>` header, then the output without the echo and the trailing prompt.
  cleanAll: (output, { comment, command }) => comment(`COMMAND: ${command}\n`) + cutBoth(output),
  maskSecrets: (output) =>
    output
      // SNMP read communities, TACACS+ secrets and user passwords, as the device stores them encrypted.
      .replace(rb(/community read encrypted (\S+)/g), 'community read encrypted <hidden>')
      // Encrypted TACACS+ secrets.
      .replace(rb(/secret encrypted (\S+)/g), 'secret encrypted <hidden>')
      // Encrypted user passwords.
      .replace(rb(/password encrypted (\S+)/g), 'password encrypted <hidden>'),
  commands: [
    {
      command: 'show version',
      clean: (output, { comment }) =>
        comment(
          output
            // Save time, memory use, clock, uptime and free storage.
            .replace(rb(/\s(Last configuration saved at).*/g), ' $1 <removed>')
            // Memory use, which changes all the time.
            .replace(rb(/\s(Memory).*/g), ' $1 <removed>')
            // The device clock.
            .replace(rb(/\s(Current time is).*/g), ' $1 <removed>')
            // The uptime.
            .replace(rb(/\s(The system has been up).*/g), ' $1 <removed>')
            // Free storage on the drive.
            .replace(
              rb(/\s(Hardware: \d+ CPUs\(Stepping \d+\). Single \d+G drive. Free storage is).*/g),
              ' $1 <removed>',
            ),
        ),
    },
    { command: 'show bootimage', clean: (output, { comment }) => comment(output) },
    { command: 'show license', clean: (output, { comment }) => comment(output) },
    { command: 'show partition-config all', clean: (output) => withoutConfigTimes(output) },
    { command: 'show running-config all-partitions', clean: (output) => withoutConfigTimes(output) },
    { command: 'show aflex all-partitions', clean: (output, { comment }) => comment(output) },
    // Oxidized runs it again to read the script names; that run stores nothing.
    { command: 'show aflex all-partitions', clean: () => '' },
  ],
  post: aflexScripts,
  postGoesFirst: true,
});
