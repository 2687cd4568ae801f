/**
 * Any Linux host (appliances, servers, routers built on a distribution). Same commands and stored bytes as
 * Oxidized's `linuxgeneric` model: host name, hosts, links, resolver, routes, MOTD, users, groups, NSS and
 * release, each under a `###### … ######` heading.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import {
  defineShellPlugin,
  enableOption,
  enterRootShell,
  escapeCodesExpect,
  exitRootShell,
} from '../runtime/shell-plugin.js';

/** Oxidized's files and commands, in its order. */
const sections: readonly [heading: string, command: string][] = [
  ['THE HOSTNAME', 'cat /etc/hostname'],
  ['THE HOSTS', 'cat /etc/hosts'],
  ['THE INTERFACES', 'ip link'],
  ['RESOLV.CONF', 'cat /etc/resolv.conf'],
  ['IP Routes', 'ip route'],
  ['IPv6 Routes', 'ip -6 route'],
  ['MOTD', 'cat /etc/motd'],
  ['PASSWD', 'cat /etc/passwd'],
  ['GROUP', 'cat /etc/group'],
  ['nsswitch.conf', 'cat /etc/nsswitch.conf'],
  ['VERSION', 'cat /etc/issue'],
];

export const linuxGenericPlugin = defineShellPlugin({
  key: 'linux_generic',
  oxidizedModel: 'linuxgeneric',
  friendlyName: 'Linux (generic)',
  description: 'Host name, interfaces, routes, resolver, users and release of a Linux host, over an SSH shell.',
  prompt: /^\S.*[#$] $/m,
  commentPrefix: '# ',
  options: [enableOption],
  // Colours and bracketed-paste switches around the prompt.
  expects: [escapeCodesExpect],
  // Root for files only root may read (`sudo su -` or `su -`, per the enable option), as Oxidized.
  login: enterRootShell,
  // Out of the root shell first, when one was opened.
  logout: exitRootShell,
  cleanAll: (output) =>
    // The remaining lifetime of routes learnt from router advertisements counts down on every run.
    cutBoth(output.replace(rb(/^(default (\S+).* (expires) ).*/g), '$1 <redacted>')),
  commands: [],
  async post({ run }) {
    let config = '';
    for (const [heading, command] of sections) {
      config += `\n###### ${heading} ######\n`;
      config += await run(command);
    }
    return config;
  },
});
