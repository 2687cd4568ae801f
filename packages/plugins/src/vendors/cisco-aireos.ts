/**
 * Cisco AireOS wireless LAN controllers (2500/3500/5500/5520/8540, vWLC). Same commands and stored bytes as
 * Oxidized's `aireos` model: UDI and boot images as `# ` comments, then the running config as commands
 * (blank lines and rogue-alert entries dropped, lines stripped). The controller asks for a user name and
 * password inside the SSH shell; the plugin answers them as Oxidized does.
 */
import { cutBoth, linesOf, rb, rubyStrip } from '../runtime/cleanup.js';
import { answerShellLogin, promptOrShellLogin } from '../runtime/shell-login.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** `(Cisco Controller) >`. */
const cliPrompt = rb(/^\([^)]+\)\s>/);
const shellLogin = { username: rb(/^User:\s*/), password: rb(/^Password:\s*/) };

/** Oxidized's `clean`: no blank lines, no rogue alert entries (they come and go), each line stripped. */
function clean(output: string): string {
  const kept: string[] = [];
  for (const line of linesOf(output)) {
    // Blank lines: only whitespace.
    if (rb(/^\s*$/).test(line)) continue;
    // Rogue access points and ad-hoc clients seen on air, not configuration.
    if (rb(/rogue (adhoc|client) (alert|Unknown) [\da-f]{2}:/).test(line)) continue;
    const withoutCr = line.startsWith('\r') ? line.slice(1) : line;
    kept.push(rubyStrip(withoutCr));
  }
  return `${kept.join('\n')}\n`;
}

export const ciscoAireosPlugin = defineShellPlugin({
  key: 'cisco_aireos',
  oxidizedModel: 'aireos',
  friendlyName: 'Cisco AireOS Wireless LAN Controller',
  description: 'Running config as commands plus UDI and boot images, over an SSH shell.',
  // The CLI prompt, or the `User:` / `Password:` the controller asks inside the shell.
  prompt: promptOrShellLogin(cliPrompt, shellLogin),
  commentPrefix: '# ',
  telnetLogin: shellLogin,
  login: (session) => answerShellLogin(session, cliPrompt, shellLogin),
  postLogin: ['config paging disable'],
  // Log out without saving.
  logout: ['logout', 'n'],
  // The echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output),
  // Oxidized's `aireos` hides nothing; ours: WLAN pre-shared keys, RADIUS/TACACS+ shared secrets, SNMP
  // communities and management user passwords, where the controller prints them.
  maskSecrets: (output) =>
    output
      // WLAN pre-shared keys.
      .replace(rb(/(set-key (?:ascii|hex)) (?!\*+ |<)\S+/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ shared secrets.
      .replace(
        rb(/(config (?:radius|tacacs) (?:auth|acct|athr) add \d+ \S+ \d+ (?:ascii|hex)) (?!\*+$|<)\S+/g),
        '$1 <secret hidden>',
      )
      // The community is the last word of every `config snmp community …` line.
      .replace(rb(/^(config snmp community .*) (?!<)\S+$/g), '$1 <secret hidden>')
      // Management user passwords.
      .replace(rb(/^(config mgmtuser add \S+) (?!\*+ |<)\S+/g), '$1 <secret hidden>'),
  commands: [
    { command: 'show udi', clean: (output, { comment }) => `${comment(clean(output))}\n` },
    { command: 'show boot', clean: (output, { comment }) => `${comment(clean(output))}\n` },
    { command: 'show run-config commands', clean: (output) => clean(output) },
  ],
});
