/**
 * Yamaha RTX/NVR/FWX routers. Same commands and stored bytes as Oxidized's `yamaha` model: the configuration
 * (`show config`) without its report date.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar } from '../runtime/shell-plugin.js';

export const yamahaRtxPlugin = defineShellPlugin({
  key: 'yamaha_rtx',
  oxidizedModel: 'yamaha',
  friendlyName: 'Yamaha RTX / NVR / FWX',
  description: 'Configuration, over an SSH shell.',
  // `> ` (user), `# ` (administrator), `rtx1210# `.
  prompt: rb(/^([\w.@()-]+[#>]\s?)$/),
  commentPrefix: '# ',
  telnetLogin: { password: rb(/^Password:/i) },
  expects: [
    // The pager: space, and its line dropped.
    { pattern: rb(/^---more---$/), send: ' ' },
    // The question on leaving administrator mode with unsaved changes: N.
    { pattern: rb(/^Save new configuration/), send: 'N\n' },
  ],
  options: [enableOption],
  // No paging, wide ASCII output, then administrator mode (`enable` var: true, or its password).
  async login({ run, target }) {
    await run('console lines infinity');
    await run('console columns  200');
    await run('console character ascii');
    const enable = enableVar(target);
    if (enable === true) await run('administrator');
    else if (enable) {
      await run('administrator', rb(/^[pP]assword:/));
      await run(enable);
    }
  },
  logout: ['exit', 'exit'],
  cleanAll: (output) =>
    // Errors of commands some models lack, then the echo and the trailing prompt.
    cutBoth(output.replace(rb(/^Error: Invalid command name$|^\s+\^$/g), '')),
  // Oxidized's `yamaha` hides nothing; ours: login, administrator and PPP passwords, IPsec and RADIUS keys.
  maskSecrets: (output) =>
    output
      // Login and administrator passwords.
      .replace(rb(/^((?:login|administrator) password(?: encrypted)?) \S+/g), '$1 <secret hidden>')
      // Login user passwords.
      .replace(rb(/^(login user \S+(?: encrypted)?) \S+/g), '$1 <secret hidden>')
      // PPP passwords.
      .replace(rb(/^(\s*pp auth (?:myname|username) \S+) \S+/g), '$1 <secret hidden>')
      // IKE pre-shared keys.
      .replace(rb(/^(\s*ipsec ike pre-shared-key \d+ text) \S+/g), '$1 <secret hidden>')
      // RADIUS secrets.
      .replace(rb(/^(radius secret) \S+/g), '$1 <secret hidden>'),
  commands: [
    {
      command: 'show config',
      // When the configuration was reported.
      clean: (output) => output.replace(rb(/^(# Reporting Date:\s+)(.*)$/g), '$1<stripped>'),
    },
  ],
});
