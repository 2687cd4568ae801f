/**
 * Cambium Networks ePMP radios (ePMP 1000/2000/3000, Force). Same commands and stored bytes as Oxidized's
 * `cambiumepmp` model: the JSON configuration, read in its `pre` step.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const cambiumEpmpPlugin = defineShellPlugin({
  key: 'cambium_epmp',
  oxidizedModel: 'cambiumepmp',
  friendlyName: 'Cambium ePMP',
  description: 'JSON configuration, over an SSH shell.',
  // `ePMP3000>`.
  prompt: rb(/.*>/),
  commentPrefix: '# ',
  logout: ['exit'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `cambiumepmp` hides nothing; ours: passwords, pass phrases, keys and communities of the JSON.
  maskSecrets: (output) =>
    output.replace(
      rb(/("(?:\w*[Pp]assword\w*|\w*[Pp]assphrase\w*|\w*[Cc]ommunity\w*|\w*[Ss]ecret\w*|\w*[Kk]ey)"\s*:\s*)"[^"]*"/g),
      '$1"<secret hidden>"',
    ),
  commands: [],
  post: ({ run }) => run('config show json'),
  postGoesFirst: true,
});
