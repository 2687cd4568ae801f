/**
 * HPE MSA storage arrays (MSA 1050/2050/2060). Same commands and stored bytes as Oxidized's `hpemsa` model: the
 * configuration, echo and prompt included as Oxidized keeps them.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const hpeMsaPlugin = defineShellPlugin({
  key: 'hpe_msa',
  oxidizedModel: 'hpemsa',
  friendlyName: 'HPE MSA storage',
  description: 'Configuration, over an SSH shell.',
  // `# `.
  prompt: rb(/^#\s?$/),
  commentPrefix: '# ',
  postLogin: ['set cli-parameters pager disabled'],
  logout: ['exit'],
  // Oxidized's `hpemsa` hides nothing; ours: SNMP communities and user passwords in the configuration listing.
  maskSecrets: (output) =>
    output.replace(rb(/^(\s*(?:Read Community|Write Community|Password|Community)\s*:\s*)\S.*$/g), '$1<secret hidden>'),
  commands: [{ command: 'show configuration' }],
});
