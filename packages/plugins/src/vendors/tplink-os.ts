/**
 * TP-Link managed switches and OLTs (JetStream CLI). Same commands and stored bytes as Oxidized's `tplink`
 * model: system info as `! ` comments, then the running config up to its `end`.
 */
import { linesOf, rb } from '../runtime/cleanup.js';
import { defineShellPlugin, enableLogin, enableOption } from '../runtime/shell-plugin.js';

export const tplinkPlugin = defineShellPlugin({
  key: 'tplink_os',
  oxidizedModel: 'tplink',
  friendlyName: 'TP-Link managed switch / OLT',
  description: 'Running config plus system info, over an SSH shell.',
  prompt: /^\r?([\w.@()-]+[#>]\s?)$/m,
  commentPrefix: '! ',
  // The CLI only acts on a command ended by CR LF.
  newline: '\r\n',
  options: [enableOption],
  // The pager (some firmware drops its spaces): space for more. Oxidized also sends a CR whenever the
  // buffer ends mid-line; over SSH a buffer ends mid-line at every packet boundary, where a CR would be
  // typed into the next command, so CR LF line endings do that job here instead.
  expects: [{ pattern: /Press\s?any\s?key\s?to\s?continue\s?\(Q\s?to\s?quit\)/, send: ' ' }],
  login: enableLogin('enable', /^[pP]assword:/),
  postLogin: ['terminal length 0'],
  logout: ['exit', 'logout'],
  cleanAll(output) {
    const normalised = output
      // What is left of a pager line.
      .replace(rb(/^Press any key to contin.*/g), '')
      // Stray CRs (and LF CR pairs) become line ends.
      .replace(rb(/(\r|\r\n|\n\r)/g), '\n');
    // Blank lines and lines of `#` only (section separators, the bare prompt echo).
    return (
      linesOf(normalised)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what the device sends.
        .filter((line) => !/^[\r\n\s\u0000#]+$/.test(line))
        .join('')
    );
  },
  maskSecrets: (output) =>
    output
      // The enable password.
      .replace(rb(/^enable password (\S+)/g), 'enable password <secret hidden>')
      // Local user passwords, keeping the user and the rest of the line.
      .replace(rb(/^user (\S+) password (\S+) (.*)/g), 'user $1 password <secret hidden> $3')
      // SNMP communities.
      .replace(rb(/^(snmp-server community).*/g), '$1 <configuration removed>')
      // Typed secrets (`secret 5 …`): the whole statement goes.
      .replace(rb(/secret (\d+) (\S+).*/g), '<secret hidden>'),
  commands: [
    {
      command: 'show system-info',
      clean(output, { comment }) {
        const stable = output
          // The clock and the uptime, which change on every run.
          .replace(rb(/(System Time\s+-).*/g), '$1 <stripped>')
          // The uptime.
          .replace(rb(/(Running Time\s+-).*/g), '$1 <stripped>');
        // The echo, the blank lines around the table and the prompt.
        const lines = linesOf(stable);
        return comment(lines.slice(3, Math.max(3, lines.length - 2)).join(''));
      },
    },
    {
      command: 'show running-config',
      clean(output) {
        // The command echo, and anything the CLI prints after the config's `end`.
        const lines = linesOf(output).slice(1);
        const end = lines.indexOf('end\n');
        return (end === -1 ? lines : lines.slice(0, end + 1)).join('');
      },
    },
  ],
});
