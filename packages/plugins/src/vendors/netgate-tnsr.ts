/**
 * Netgate TNSR. Same commands and stored bytes as Oxidized's `tnsr` model: version as `! ` comments (older
 * releases lack `show version all`), then the running configuration in CLI form.
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const netgateTnsrPlugin = defineShellPlugin({
  key: 'netgate_tnsr',
  oxidizedModel: 'tnsr',
  friendlyName: 'Netgate TNSR',
  description: 'Running configuration (CLI form) plus version, over an SSH shell.',
  // `<host> tnsr# `; after a pager on the last line the prompt starts with the pager's erase sequence.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what TNSR sends.
  prompt: /^((\x08{8}\x20{8}\x08{8})?\r?[\w-]+\stnsr#\s?)$/m,
  commentPrefix: '! ',
  // The pager, at the start or (misplaced, on 23.06) the end of a line: space for more.
  expects: [{ pattern: rb(/^--More--|--More--$/), send: ' ' }],
  logout: ['exit'],
  cleanAll(output) {
    const cleaned = output
      // Carriage returns left at the start of lines.
      .replace(rb(/^\r+(.+)/g), '$1')
      // The backspace-space-backspace run that erases the pager prompt.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: backspace is what TNSR sends.
      .replace(rb(/\x08{8}\x20{8}\x08{8}/g), '');
    // The command echo and the trailing prompt.
    return cutBoth(cleaned);
  },
  maskSecrets: (output) =>
    output
      // User and protocol passwords (with their hash type).
      .replace(rb(/(password( \d+)?) (\S+).*/g), '$1 <secret hidden>')
      // SNMP community names.
      .replace(rb(/^(snmp community community-name )\S+ (.*)?/g), '$1 <configuration removed> $2'),
  commands: [
    {
      command: 'show version all',
      // Releases before `show version all` reject it: use `show version` (tested on the raw answer, whose
      // lines may still start with the CRs that the cleanup removes before Oxidized's test).
      fallback: { ifOutputMatches: rb(/^\r*CLI syntax error:.+Unknown command$/), command: 'show version' },
      clean: (output, { comment }) => comment(output),
    },
    { command: 'show configuration running cli' },
  ],
});
