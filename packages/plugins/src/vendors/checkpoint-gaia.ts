/**
 * Check Point Gaia (security gateways and management, clish as login shell). Same commands and stored bytes as
 * Oxidized's `gaiaos` model: assets and versions as `# ` comments, then `show configuration`, or on a VSX
 * gateway the configuration of every virtual system under its own heading.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, type PostSession } from '../runtime/shell-plugin.js';

/** The export timestamp line, which changes on every run, kept as an empty comment. */
function withoutExportStamp(config: string): string {
  return config.replace(rb(/^# Exported by \S+ on .*/g), '# ');
}

/** `show configuration`, or, when `show vsx` says VSX is on, each virtual system's in turn. */
async function configuration({ run, rawOutputOf }: PostSession): Promise<string> {
  if (!(rawOutputOf('show vsx') ?? '').includes('VSX Enabled')) {
    return withoutExportStamp(await run('show configuration'));
  }
  const systems = await run('show virtual-system all');
  let all = '';
  for (const [, id, name] of systems.matchAll(rb(/^(\d+)\s+(.*[^\s])/g))) {
    all += `\n\n\n#--------======== [ VS ${id} - ${name} ] ========--------\n\n`;
    all += `set virtual-system ${id}\n\n`;
    await run(`set virtual-system ${id}`);
    all += withoutExportStamp(await run('show configuration'));
  }
  return all;
}

export const checkpointGaiaPlugin = defineShellPlugin({
  key: 'checkpoint_gaia',
  oxidizedModel: 'gaiaos',
  friendlyName: 'Check Point Gaia',
  description: 'clish configuration (per virtual system on VSX) plus assets and versions, over an SSH shell.',
  // `gw-01>`, `[Expert@gw-01:0]#`.
  prompt: rb(/^([[\]\w.@:-]+[#>]\s?)$/),
  commentPrefix: '# ',
  // The login shell must be clish (/etc/cli.sh); no paging.
  postLogin: ['set clienv rows 0'],
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets: (output) =>
    output
      // Expert-mode and user password hashes.
      .replace(rb(/^(set expert-password-hash ).*/g), '$1<EXPERT PASSWORD REMOVED>')
      // Local user password hashes.
      .replace(rb(/^(set user \S+ password-hash ).*/g), '$1<USER PASSWORD REMOVED>')
      // OSPF authentication secrets.
      .replace(rb(/^(set ospf .* secret ).*/g), '$1<OSPF KEY REMOVED>')
      // SNMP communities (v1/v2c) and trap receivers' communities.
      .replace(rb(/^(set snmp community )(.*)( read-only.*)/g), '$1<SNMP COMMUNITY REMOVED>$3')
      // Trap receivers' communities.
      .replace(rb(/^(add snmp .* community )(.*)(\S?.*)/g), '$1<SNMP COMMUNITY REMOVED>$3')
      // SNMPv3 authentication and privacy pass-phrase hashes.
      .replace(rb(/(auth|privacy)(-pass-phrase-hashed )(\S*)/g), '$1-pass-phrase-hashed <SNMP PASS-PHRASE REMOVED>')
      // Ours, after Oxidized's rules: a read-write community, which its rule (read-only only) leaves.
      .replace(rb(/^(set snmp community )(?!<)(.*)( read-write.*)/g), '$1<SNMP COMMUNITY REMOVED>$3'),
  commands: [
    // Only read to decide between one configuration and one per virtual system; stores nothing.
    { command: 'show vsx', clean: () => '' },
    { command: 'show asset all', clean: (output, { comment }) => comment(output) },
    { command: 'show version all', clean: (output, { comment }) => comment(output) },
  ],
  post: configuration,
});
