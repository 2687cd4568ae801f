/**
 * OpenWrt routers over SSH exec channels. Same commands and stored bytes as Oxidized's `openwrt` model: banner,
 * CPU, release, the sysupgrade file list and MTD partitions as `#` comments, then every file sysupgrade would
 * keep (UCI configs as `uci export`, the host key gzipped and hex-escaped), and optionally raw partitions.
 */
import type { DeviceTarget } from '../contract.js';
import { linesOf, rb, rubyStrip } from '../runtime/cleanup.js';
import { booleanOption, defineShellPlugin, type PostSession, sshNoExecOption } from '../runtime/shell-plugin.js';

/** A comma-separated list option (Oxidized array vars), or the model's default. */
function listOption(target: DeviceTarget, key: string, fallback: string[]): string[] {
  const raw = target.options[key]?.trim();
  if (!raw) return fallback;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Oxidized's `post`: the files `sysupgrade -l` lists, each as the model exports it, then chosen partitions. */
async function files({ run, rawOutputOf, comment, target, scrubSecrets }: PostSession): Promise<string> {
  const binaryFiles = listOption(target, 'openwrt_binary_files', ['/etc/dropbear/dropbear_rsa_host_key']);
  const nonSensitive = listOption(target, 'openwrt_non_sensitive_files', ['rpcd', 'uhttpd']);
  const partitionsToBackup = listOption(target, 'openwrt_partitions_to_backup', [
    'art',
    'devinfo',
    'u_env',
    'config',
    'caldata',
  ]);
  const cfg: string[] = [];
  for (const line of linesOf(rawOutputOf('sysupgrade -l') ?? '')) {
    const file = rubyStrip(line);
    if (file.startsWith('/etc/config/')) {
      if (file.endsWith('-opkg')) continue;
      const name = file.split('/').pop() ?? '';
      cfg.push(comment(`#### File: ${file} #####`));
      let uci = await run(`uci export ${name}`);
      // UCI passwords and keys, except in files known to hold none worth hiding.
      if (scrubSecrets && !nonSensitive.includes(name)) {
        uci = uci.replace(rb(/^(\s+option\s+(password|key)\s+')[^']+'/g), "$1<secret hidden>'");
      }
      cfg.push(uci);
    } else if (binaryFiles.includes(file)) {
      cfg.push(comment(`#### Binary file: ${file} #####`));
      cfg.push(comment(`Decode using 'echo -en <data> | gzip -dc > ${file}'`));
      cfg.push(await run(`gzip -c ${file} | hexdump -ve '1/1 "_x%.2x"' | tr _ \\`));
    } else if (scrubSecrets && file === '/etc/shadow') {
      cfg.push(comment(`#### File: ${file} #####`));
      // Password hashes out of every shadow entry.
      const shadow = await run(`cat ${file}`);
      cfg.push(shadow.replace(rb(/^([^:]+:)[^:]*(:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:)/g), '$1$2'));
    } else {
      cfg.push(comment(`#### File: ${file} #####`));
      cfg.push(await run(`cat ${file}`));
    }
  }
  const mtd = rawOutputOf('cat /proc/mtd') ?? '';
  for (const [, partition, name] of mtd.matchAll(rb(/(\w+):\s+\w+\s+\w+\s+"(.*)"/g))) {
    if (!booleanOption(target, 'openwrt_backup_partitions') || !partitionsToBackup.includes(name ?? '')) continue;
    cfg.push(comment(`#### Partition: ${name} /dev/${partition} #####`));
    cfg.push(comment(`Decode using 'echo -en <data> | gzip -dc > ${name}'`));
    cfg.push(await run(`dd if=/dev/${partition} 2>/dev/null | gzip -c | hexdump -ve '1/1 "%.2x"'`));
  }
  return cfg.join('\n');
}

export const openwrtPlugin = defineShellPlugin({
  key: 'openwrt',
  oxidizedModel: 'openwrt',
  friendlyName: 'OpenWrt',
  description: 'Every file sysupgrade keeps (UCI configs exported) plus system facts, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // `root@OpenWrt:~# `, for `ssh_no_exec`.
  prompt: rb(/^[^#]+#/),
  commentPrefix: '#',
  options: [
    sshNoExecOption,
    {
      key: 'openwrt_binary_files',
      description: 'Comma-separated files stored gzipped and hex-escaped (default the Dropbear RSA host key)',
      required: false,
    },
    {
      key: 'openwrt_non_sensitive_files',
      description: 'Comma-separated UCI configs not scrubbed (default rpcd,uhttpd); Oxidized var',
      required: false,
    },
    {
      key: 'openwrt_backup_partitions',
      description: '"true" to store the MTD partitions listed in openwrt_partitions_to_backup; Oxidized var',
      required: false,
    },
    {
      key: 'openwrt_partitions_to_backup',
      description: 'Comma-separated MTD partition names (default art,devinfo,u_env,config,caldata); Oxidized var',
      required: false,
    },
  ],
  logout: ['exit'],
  commands: [
    { command: 'cat /etc/banner', clean: (output, { comment }) => comment(`#### Info: /etc/banner #####\n${output}`) },
    {
      command: 'cat /proc/cpuinfo',
      clean: (output, { comment }) => comment(`#### Info: /proc/cpuinfo #####\n${output}`),
    },
    {
      command: 'cat /etc/openwrt_release',
      clean: (output, { comment }) => comment(`#### Info: /etc/openwrt_release #####\n${output}`),
    },
    { command: 'sysupgrade -l', clean: (output, { comment }) => comment(`#### Info: sysupgrade -l #####\n${output}`) },
    { command: 'cat /proc/mtd', clean: (output, { comment }) => comment(`#### Info: /proc/mtd #####\n${output}`) },
  ],
  post: files,
});
