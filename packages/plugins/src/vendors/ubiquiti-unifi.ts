/**
 * Ubiquiti UniFi access points and switches over SSH exec channels. Same commands and stored bytes as
 * Oxidized's `unifiap` model: a banner (model, version, MAC, IP, host name and NTP health, gathered from several
 * files and commands with the model's fallbacks), the board info as `# ` comments, then `/tmp/system.cfg`.
 */
import { linesOf, rb, splitLines } from '../runtime/cleanup.js';
import { defineShellPlugin, type PostSession, sshNoExecOption } from '../runtime/shell-plugin.js';

/** Ruby's `String#to_f`: the leading number, 0 when there is none. */
function toF(text: string): number {
  const value = Number.parseFloat(text);
  return Number.isNaN(value) ? 0 : value;
}

/** Oxidized's `ntpskew`: the skew column of the statistics line under `ntpclient`'s header. */
function ntpSkew(output: string): string | undefined {
  let index: number | undefined;
  let skew: string | undefined;
  for (const line of linesOf(output)) {
    if (rb(/^\s*[a-z]+\s+[a-z]+\s+[a-z]+\s+[a-z]+/i).test(line)) {
      const found = line
        .trim()
        .split(/[ \t\r\n\f\v]+/)
        .map((word) => word.toLowerCase())
        .indexOf('skew');
      index = found === -1 ? undefined : found;
    }
    if (index !== undefined && rb(/^\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+/).test(line)) {
      skew = line.trim().split(/[ \t\r\n\f\v]+/)[index];
    }
  }
  return skew;
}

/** Every step of the model in its order; only the banner, the board info and system.cfg are stored. */
async function collect({ run, comment }: PostSession): Promise<string> {
  const model = rb(/board\.name=(\S+)/i).exec(await run('head -4 /etc/board.info'))?.[1];
  const version = rb(/(\S+)$/i).exec(await run('cat /etc/version'))?.[1];
  const mac = rb(/eth0\s+Link encap:Ethernet\s+HWaddr\s+(\w+:\w+:\w+:\w+:\w+:\w+)/i).exec(
    await run('ifconfig eth0'),
  )?.[1];
  let ip: string | undefined;
  let hostname: string | undefined;
  for (const line of splitLines(await run('cat /etc/hosts'))) {
    // Loopback entries do not name the device.
    if (rb(/^\s*(127|0000:0000:0000:0000:0000:0000:0000:0001|0:0:0:0:0:0:0:1|::1)/).test(line)) continue;
    const match = rb(/(\d+\.\d+\.\d+\.\d+)\s+(\S+)/).exec(line);
    if (match) [, ip, hostname] = match;
  }
  // Oxidized's second `echo` step: fall back on the interfaces and system.cfg.
  await run('echo');
  const inetAddr = rb(/inet addr:\s*(\d+\.\d+\.\d+\.\d+)/i);
  if (!ip) ip = inetAddr.exec(await run('ifconfig br0'))?.[1];
  if (!ip) ip = inetAddr.exec(await run('ifconfig eth0'))?.[1];
  if (!hostname) hostname = rb(/resolv.host.1.name=(\S+)/i).exec(await run('cat /tmp/system.cfg'))?.[1];
  let ntpServer: string | true | undefined = rb(/bin\/ntpclient.+-h\s*(\S+)/i).exec(await run('ps wwww'))?.[1];
  let sync: string | undefined;
  const ready = await run(
    '[ -e /tmp/run/ntp.ready ] || [ -e /var/run/ntp.ready ] && echo "File(s) exist(s)" || echo "No such file"',
  );
  if (/No such file/i.test(ready)) {
    if (ntpServer) {
      const skew = ntpSkew(await run(`ntpclient -d -n -c 2 -i0 -h ${ntpServer}`));
      sync = skew !== undefined && Math.abs(toF(skew)) < 1e6 ? 'Synchronized' : 'FAIL';
    }
  } else {
    ntpServer = true;
    sync = 'Synchronized';
  }
  await run('echo');
  const banner = [
    '*************************',
    `Model:       ${model ?? ''}`,
    `Version:     ${version ?? ''}`,
    `MAC Address: ${mac ?? ''}`,
    `IP Address:  ${ip ?? ''}`,
    `Hostname:    ${hostname ?? ''}`,
    ...(ntpServer ? [`NTP:         ${sync ?? ''}`] : []),
    '*************************',
  ];
  const board = comment(`#\n# Board Info:\n#\n${await run('cat /etc/board.info')}`);
  const system = `#\n# System Config:\n#\n${await run('cat /tmp/system.cfg')}\n`;
  return comment(`${banner.join('\n')}\n`) + board + system;
}

export const ubiquitiUnifiPlugin = defineShellPlugin({
  key: 'ubiquiti_unifi',
  oxidizedModel: 'unifiap',
  friendlyName: 'Ubiquiti UniFi (access points, switches)',
  description: 'system.cfg plus a device banner and board info, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // `U6-Pro-BZ.6.5.62# `, for `ssh_no_exec`.
  prompt: rb(/^[^#]+# /),
  commentPrefix: '# ',
  options: [sshNoExecOption],
  maskSecrets: (output) =>
    output
      // User and SNMP user/community passwords: the whole line becomes a comment.
      .replace(rb(/^((?:users|snmp\.(?:user|community))\.\d+\.password)=.+/g), '# $1=<hidden>')
      // Ours, after Oxidized's rule: Wi-Fi pre-shared keys, RADIUS secrets and the SNMP community it leaves.
      .replace(rb(/^([\w.]*\.(?:psk|passphrase|secret|x_passphrase|community))=(?!<).+/g), '$1=<hidden>'),
  commands: [],
  post: collect,
});
