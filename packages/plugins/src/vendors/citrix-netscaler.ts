/**
 * Citrix ADC / NetScaler (NetScaler VPX/MPX/SDX, NS 11 to 14). Same commands and stored bytes as Oxidized's
 * `netscaler` model: version, hardware and partitions as `# ` comments, then `ns.conf`, or with admin
 * partitions the `ns.conf` of each partition under its own heading.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, type PostSession } from '../runtime/shell-plugin.js';

/** `ns.conf`, or, when partitions exist, the default partition's and then each partition's in turn. */
async function nsConf({ run, rawOutputOf }: PostSession): Promise<string> {
  if (!(rawOutputOf('show partition') ?? '').includes('Name:')) return run('show ns ns.conf');
  const listing = await run('show partition');
  const partitions = ['default', ...[...listing.matchAll(rb(/Name: (\S+)$/g))].map((match) => match[1] ?? '')];
  let all = '';
  for (const partition of partitions) {
    all += `\n\n####################### [ partition ${partition} ] #######################\n\n`;
    all += await run(`switch ns partition ${partition}; show ns ns.conf; switch ns partition default`);
  }
  return all;
}

export const citrixNetscalerPlugin = defineShellPlugin({
  key: 'citrix_netscaler',
  oxidizedModel: 'netscaler',
  friendlyName: 'Citrix ADC / NetScaler',
  description: 'ns.conf (per admin partition) plus version, hardware and partitions, over an SSH shell.',
  // `> `, `nsroot@ns1-Primary> `.
  prompt: rb(/^(.*[\w.-]*>\s?)$/),
  commentPrefix: '# ',
  logout: ['exit'],
  // The echo, then the ` Done` line and the prompt at the end.
  cleanAll: (output) => linesOf(output).slice(1, -2).join(''),
  maskSecrets: (output) =>
    // The value before `-encrypted` (user passwords, keys, RADIUS/LDAP secrets).
    output.replace(rb(/\w+\s(-encrypted)/g), '<secret hidden> $1'),
  commands: [
    { command: 'show version', clean: (output, { comment }) => comment(output) },
    { command: 'show hardware', clean: (output, { comment }) => comment(output) },
    { command: 'show partition', clean: (output, { comment }) => comment(output) },
    // Oxidized runs it a second time to decide on partitions; that run stores nothing.
    { command: 'show partition', clean: () => '' },
  ],
  post: nsConf,
});
