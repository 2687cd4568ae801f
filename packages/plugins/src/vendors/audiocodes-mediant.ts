/**
 * AudioCodes Mediant session border controllers and media gateways (firmware 7.0 and later). Same commands and
 * stored bytes as Oxidized's `audiocodes` model: the running config, echo and prompt included as Oxidized keeps
 * them. The device asks for the user name and password inside the SSH shell; the plugin answers them.
 */
import { rb } from '../runtime/cleanup.js';
import { answerShellLogin, promptOrShellLogin } from '../runtime/shell-login.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** `Mediant 800> `, `sbc-01# `. */
const cliPrompt = rb(/^\r?([\w.@() -]+[#>]\s?)$/);
/** Oxidized's `username`/`password` under `cfg :ssh`. */
const shellLogin = { username: rb(/^login as:\s$/), password: rb(/^.+password:\s$/) };

export const audiocodesMediantPlugin = defineShellPlugin({
  key: 'audiocodes_mediant',
  oxidizedModel: 'audiocodes',
  friendlyName: 'AudioCodes Mediant',
  description: 'Running config, over an SSH shell.',
  prompt: promptOrShellLogin(cliPrompt, shellLogin),
  commentPrefix: '## ',
  telnetLogin: { username: rb(/^Username:\s$/), password: rb(/^Password:\s$/) },
  expects: [
    // The pager: space, and the marker (with the blanks before it) dropped.
    { pattern: rb(/\s*--MORE--$/), send: ' ' },
  ],
  login: (session) => answerShellLogin(session, cliPrompt, shellLogin),
  logout: ['exit\r'],
  // Oxidized's `audiocodes` hides nothing; ours: the obscured passwords and shared secrets of the config.
  maskSecrets: (output) =>
    output.replace(
      rb(/^(\s*(?:password|secret|shared-secret|privilege-pass|ro-community-string|rw-community-string)) "?[^"\s]+"?/g),
      '$1 <secret hidden>',
    ),
  commands: [
    // Typed with CR LF and a newline, as Oxidized's model sends it.
    { command: 'show running-config\r\n' },
  ],
});
