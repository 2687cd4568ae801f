/**
 * NVIDIA Cumulus Linux. Same commands and stored bytes as Oxidized's `cumulus` model: the NVUE config
 * (`cumulus_use_nvue`), the NCLU command list (`cumulus_use_nclu`), or by default the configuration files
 * (interfaces, FRR or Quagga, switchd, ports, ACLs, …) under `###### … ######` headings.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import {
  booleanOption,
  defineShellPlugin,
  enableOption,
  enterRootShell,
  escapeCodesExpect,
  exitRootShell,
  type PostSession,
} from '../runtime/shell-plugin.js';

/** The configuration files of the default mode, in Oxidized's order, under `/etc/<daemon>/` for routing. */
function filesFor(daemon: string): [heading: string, command: string][] {
  const shout = daemon.toUpperCase();
  const routingConf = daemon === 'frr' ? 'frr.conf' : 'Quagga.conf';
  return [
    ['THE HOSTNAME', 'cat /etc/hostname'],
    ['THE HOSTS', 'cat /etc/hosts'],
    ['THE INTERFACES', 'grep -r "" /etc/network/interface* | cut -d "/" -f 4-'],
    ['RESOLV.CONF', 'cat /etc/resolv.conf'],
    ['NTP.CONF', 'cat /etc/ntp.conf'],
    ['SNMP settings', 'cat /etc/snmp/snmpd.conf'],
    [`${shout} DAEMONS`, `cat /etc/${daemon}/daemons`],
    [`${shout} ZEBRA`, `cat /etc/${daemon}/zebra.conf`],
    [`${shout} BGP`, `cat /etc/${daemon}/bgpd.conf`],
    [`${shout} OSPF`, `cat /etc/${daemon}/ospfd.conf`],
    [`${shout} OSPF6`, `cat /etc/${daemon}/ospf6d.conf`],
    [`${shout} CONF`, `cat /etc/${daemon}/${routingConf}`],
    ['MOTD', 'cat /etc/motd'],
    ['PASSWD', 'cat /etc/passwd'],
    ['SWITCHD', 'cat /etc/cumulus/switchd.conf'],
    // ports.conf may lack a final newline, which would glue the prompt to its last line.
    ['PORTS', 'cat /etc/cumulus/ports.conf; echo'],
    ['TRAFFIC', 'cat /etc/cumulus/datapath/traffic.conf'],
    ['ACL', 'cat /etc/cumulus/acl/policy.conf'],
    ['DHCP-RELAY', 'cat /etc/default/isc-dhcp-relay'],
    ['VERSION', 'cat /etc/cumulus/etc.replace/os-release'],
    ['License', 'cl-license'],
  ];
}

async function collectConfig({ run, target }: PostSession): Promise<string> {
  if (booleanOption(target, 'cumulus_use_nclu')) return run('net show configuration commands');
  if (booleanOption(target, 'cumulus_use_nvue')) return run('nv config show --color off');
  const daemon = target.options.cumulus_routing_daemon?.trim().toLowerCase() || 'quagga';
  let config = '';
  for (const [heading, command] of filesFor(daemon)) {
    config += `\n###### ${heading} ######\n`;
    config += await run(command);
  }
  return config;
}

export const nvidiaCumulusPlugin = defineShellPlugin({
  key: 'nvidia_cumulus',
  oxidizedModel: 'cumulus',
  friendlyName: 'NVIDIA Cumulus Linux',
  description: 'NVUE or NCLU config, or the configuration files (FRR/Quagga, interfaces, switchd…), over SSH.',
  // `user@host:~$` or `#`, with `:mgmt` when logged in through the management VRF.
  prompt: /^[\w.-]+@[\w.-]+(:mgmt)?:?~[#$] ?$/m,
  commentPrefix: '# ',
  options: [
    enableOption,
    { key: 'cumulus_use_nvue', description: '"true" to store `nv config show` (Cumulus 5)', required: false },
    {
      key: 'cumulus_use_nclu',
      description: '"true" to store `net show configuration commands` (Cumulus 3–4)',
      required: false,
    },
    {
      key: 'cumulus_routing_daemon',
      description: 'routing suite whose files are stored: "frr" or "quagga" (default)',
      required: false,
    },
  ],
  // Colours and bracketed-paste switches around the prompt.
  expects: [escapeCodesExpect],
  // Root for files only root may read (`sudo su -` or `su -`, per the enable option), as Oxidized.
  login: enterRootShell,
  // Out of the root shell first, when one was opened.
  logout: exitRootShell,
  // The command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Passwords in any file (FRR neighbor passwords, snmpd, NVUE), the word after `password`.
  maskSecrets: (output) => output.replace(rb(/password (\S+)/g), 'password <hidden>'),
  commands: [],
  post: collectConfig,
});
