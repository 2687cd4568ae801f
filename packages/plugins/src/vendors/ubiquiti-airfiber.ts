/**
 * Ubiquiti airFiber radios (AF-5X, AF-11FX, AF-24). Same commands and stored bytes as Oxidized's `airfiber`
 * model: `/tmp/system.cfg`, read in its `pre` step (so it comes first, and it is the only output).
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const ubiquitiAirfiberPlugin = defineShellPlugin({
  key: 'ubiquiti_airfiber',
  oxidizedModel: 'airfiber',
  friendlyName: 'Ubiquiti airFiber',
  description: 'system.cfg, over an SSH shell.',
  // `AF11FX.v4.1.0# `.
  prompt: rb(/^AF[\w.-]+#/i),
  commentPrefix: '# ',
  telnetLogin: { username: rb(/^[\w\W]+\slogin:\s$/), password: rb(/^[p:P]assword:\s$/) },
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `airfiber` hides nothing; ours: user password hashes, the SNMP community, Wi-Fi/link keys and
  // RADIUS secrets (`key=value` lines).
  maskSecrets: (output) =>
    output.replace(rb(/^([\w.]*\.(?:password|community|key|psk|passphrase|secret))=(?!<).+/g), '$1=<hidden>'),
  commands: [],
  post: ({ run }) => run('cat /tmp/system.cfg'),
  postGoesFirst: true,
});
