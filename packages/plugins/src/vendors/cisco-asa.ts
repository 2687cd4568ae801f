/**
 * Cisco ASA. Same commands and stored bytes as Oxidized's `asa` model: a `! `-commented version and
 * inventory header, then the running config of the single context (plus the AnyConnect and DAP XML files it
 * refers to), or in multiple-context mode the system config followed by every context's config.
 */
import { cutBoth, linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enterEnableBlind, type PostSession } from '../runtime/shell-plugin.js';

export const ciscoAsaPlugin = defineShellPlugin({
  key: 'cisco_asa',
  oxidizedModel: 'asa',
  completeWhen: /^(?:Cryptochecksum:|: end$)/m, // the running config's last lines (`: end` is cut in single mode)
  friendlyName: 'Cisco ASA',
  description: 'Running config (every context in multiple-context mode) plus version and inventory header, over SSH.',
  // ASA redraws its prompt after a `\r`.
  prompt: /^\r*([\w.@()-/]+[#>]\s?)$/m,
  commentPrefix: '! ',
  options: [enableOption],
  // Oxidized types `enable` and then the password without waiting for the password prompt.
  login: enterEnableBlind,
  postLogin: ['terminal pager 0'],
  logout: ['exit'],
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  maskSecrets: maskAsaSecrets,
  commands: [
    // Only read to choose between single and multiple context mode in `post`; stores nothing.
    { command: 'show mode', clean: () => '' },
    {
      command: 'show version',
      clean: (output, { comment }) =>
        comment(
          rejectLines(output, [
            // The uptime line (`fw01 up 2 mins 28 secs`, `up 173 days 16 hours`), which changes every minute.
            /(\s+up\s+\d+\s+)|(.*days.*)/,
            // When and by whom the config was last changed, and the boot time: they say nothing about the config.
            /^Configuration has not been modified since last system restart.*/,
            /^Configuration last modified by.*/,
            /^Start-up time.*/,
          ]),
        ),
    },
    { command: 'show inventory', clean: (output, { comment }) => comment(output) },
  ],
  // The mode is read from the answer without its echo and prompt (a firewall may be named "multiple-…").
  post: (session) =>
    cutBoth(session.rawOutputOf('show mode') ?? '').includes('multiple')
      ? multipleContext(session)
      : singleContext(session),
});

async function singleContext(session: PostSession): Promise<string> {
  const output = await session.run('more system:running-config');
  // The `: Saved` / serial / hardware / `Written by … at <time>` preamble: the first three lines, then every
  // `: ` comment line (who saved it and when changes on every write).
  let config = linesOf(output)
    .slice(3)
    .join('')
    // Lines starting with `: ` (the save stamp and other notes the ASA writes above the config).
    .replace(rb(/^: [^\n]*\n/gm), '');
  // AnyConnect client profiles the config refers to live on flash: store them too, commented. The match keeps
  // its leading blank, which is also what separates `more` from the path.
  for (const [, profile = ''] of config.matchAll(rb(/(\sdisk0:\/.+\.xml)/g))) {
    config += session.comment(`${profile}\n`);
    config += session.comment(await session.run(`more${profile}`));
  }
  // Dynamic access policies (any besides the default) live in dap.xml.
  if (/dynamic-access-policy-record\s(?!DfltAccessPolicy)/.test(config)) {
    config += session.comment('disk0:/dap.xml\n');
    config += session.comment(await session.run('more disk0:/dap.xml'));
  }
  return config;
}

async function multipleContext(session: PostSession): Promise<string> {
  await session.run('changeto system');
  const system = await session.run('show running-config');
  let all = `\n\n${system}\n\n`;
  const files = [...system.matchAll(rb(/config-url (\S+)$/g))].map((match) => match[1] ?? '');
  const contexts = [...system.matchAll(rb(/^context (\S+)$/g))].map((match) => match[1] ?? '');
  for (const [i, context] of contexts.entries()) {
    const file = files[i];
    if (file === undefined) break;
    all += `\n\n----------========== [ CONTEXT ${context} FILE ${file} ] ==========----------\n\n`;
    all += `\n\n${await session.run(`more ${file}`)}`;
  }
  return all;
}

function maskAsaSecrets(config: string): string {
  return (
    config
      // The enable password hash, keeping its type (`pbkdf2`, `encrypted`).
      .replace(rb(/enable password (\S+) (.*)/g), 'enable password <secret hidden> $2')
      // The legacy login (telnet/ssh) password hash.
      .replace(rb(/^passwd (\S+) (.*)/gm), 'passwd <secret hidden> $2')
      // Local user password hashes.
      .replace(rb(/username (\S+) password (\S+) (.*)/g), 'username $1 password <secret hidden> $3')
      // IKEv1/IKEv2 tunnel-group pre-shared keys (plain or hex).
      .replace(rb(/(ikev[12] ((remote|local)-authentication )?pre-shared-key( hex)?) (\S+)/g), '$1 <secret hidden>')
      // The `key` line in an AAA server block (TACACS+, RADIUS, LDAP; with or without an interface).
      .replace(rb(/^(aaa-server \S+(?: \(\S+\))? host \S+\n(?: [^\n]+\n)* +key) \S+$/gim), '$1 <secret hidden>')
      // The LDAP bind password.
      .replace(rb(/ldap-login-password (\S+)/g), 'ldap-login-password <secret hidden>')
      // SNMP trap host communities.
      .replace(rb(/^snmp-server host (.*) community (\S+)/gm), 'snmp-server host $1 community <secret hidden>')
      // The failover link key.
      .replace(rb(/^(failover key) .+/gm), '$1 <secret hidden>')
      // OSPF and BGP neighbour authentication keys.
      .replace(rb(/^(\s+ospf message-digest-key \d+ md5) .+/gm), '$1 <secret hidden>')
      // OSPF authentication keys.
      .replace(rb(/^(\s+ospf authentication-key) .+/gm), '$1 <secret hidden>')
      // BGP neighbour passwords.
      .replace(rb(/^(\s+neighbor \S+ password) .+/gm), '$1 <secret hidden>')
      // Ours from here: secrets Oxidized's rules leave in the clear (`more system:running-config` shows what
      // `show running-config` stars out); `(?!<)` leaves its placeholders alone.
      // SNMP communities and SNMPv3 user keys.
      .replace(rb(/^(snmp-server community) (?!<)\S+/gm), '$1 <secret hidden>')
      // SNMPv3 user auth keys.
      .replace(rb(/^(snmp-server user .* auth (?:md5|sha\S*)) (?!<)\S+/gm), '$1 <secret hidden>')
      // SNMPv3 user privacy keys.
      .replace(rb(/^(snmp-server user .* priv (?:3des|des|aes \d+)) (?!<)\S+/gm), '$1 <secret hidden>')
      // NTP and EIGRP authentication keys.
      .replace(rb(/^(ntp authentication-key \d+ \S+) (?!<)\S+/gm), '$1 <secret hidden>')
      // EIGRP authentication keys.
      .replace(rb(/^(\s+authentication key eigrp \d+) (?!<)\S+/gm), '$1 <secret hidden>')
      // Pre-8.4 IKE keys: `crypto isakmp key <key> address …` and a tunnel group's bare `pre-shared-key`.
      .replace(rb(/^(crypto isakmp key) (?!<)\S+/gm), '$1 <secret hidden>')
      // A tunnel group's bare `pre-shared-key`.
      .replace(rb(/^(\s+pre-shared-key) (?!<)\S+/gm), '$1 <secret hidden>')
      // A local user password with nothing after it (Oxidized's rule wants the hash type).
      .replace(rb(/^(username \S+ password) (?!<)\S+(?=\r?$)/gm), '$1 <secret hidden>')
  );
}
