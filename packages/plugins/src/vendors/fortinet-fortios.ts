/**
 * Fortinet FortiOS on FortiManager, FortiAnalyzer and other Fortinet appliances (FortiGate firewalls have
 * their own plugin). Same commands and stored bytes as Oxidized's `fortios` model: `get system status` as
 * `# ` comments, then `show`.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const fortinetFortiosPlugin = defineShellPlugin({
  key: 'fortinet_fortios',
  oxidizedModel: 'fortios',
  friendlyName: 'Fortinet FortiOS (FortiManager, FortiAnalyzer, …)',
  description: 'Configuration (`show`) plus system status, over an SSH shell.',
  prompt: /^(\(\w\) )?([-\w.~()]+(\s[(\w\-.)]+)?~?\s?[#>$]\s?)$/m,
  commentPrefix: '# ',
  expects: [
    // A post-login banner that must be accepted with "a".
    { pattern: rb(/^\(Press\s'a'\sto\saccept\):/), send: 'a' },
    // The pager: space for more.
    { pattern: rb(/^--More--\s$/), send: ' ' },
  ],
  logout: ['exit'],
  cleanAll(output) {
    const cleaned = output
      // What the pager leaves behind once the next page is drawn over it.
      .replace(rb(/\r +\r/g), '')
      // CR LF after the command echo.
      .replace(/\r\n/g, '\n');
    // The command echo and the trailing prompt.
    return cutBoth(cleaned);
  },
  maskSecrets: (output) =>
    output
      // The private key of encrypted configs.
      .replace(rb(/^(#private-encryption-key=).+/g), '$1 <configuration removed>')
      // `ENC` values (encrypted passwords) and secrets.
      .replace(rb(/(set .+ ENC) .+/g), '$1 <configuration removed>')
      // Secrets.
      .replace(rb(/(set .*secret) .+/g), '$1 <configuration removed>')
      // Other statements that hold passwords or keys.
      .replace(
        rb(/(set (?:passwd|password|key|group-password|auth-password-l1|auth-password-l2|rsso|history0|history1)) .+/g),
        '$1 <configuration removed>',
      )
      // OSPF/RIP MD5 keys.
      .replace(rb(/(set md5-key [0-9]+) .+/g), '$1 <configuration removed>')
      // PEM private keys, CA certificates and CSRs, across their lines.
      .replace(
        rb(/(set private-key ).*?-+END (ENCRYPTED|RSA|OPENSSH) PRIVATE KEY-+\n?"$/gs),
        '$1<configuration removed>',
      )
      // The same under `set privatekey`.
      .replace(
        rb(/(set privatekey ).*?-+END (ENCRYPTED|RSA|OPENSSH) PRIVATE KEY-+\n?"$/gs),
        '$1<configuration removed>',
      )
      // CA certificates.
      .replace(rb(/(set ca )"-+BEGIN.*?-+END CERTIFICATE-+"$/gs), '$1<configuration removed>')
      // Certificate requests.
      .replace(rb(/(set csr ).*?-+END CERTIFICATE REQUEST-+"$/gs), '$1<configuration removed>'),
  commands: [
    {
      command: 'get system status',
      // Clock, disk use and other lines that change without a config change.
      clean: (output, { comment }) =>
        comment(
          `${rejectLines(output, [
            'Current Time',
            'Disk Usage',
            'Release Version Information',
            'Branch Point',
            'Daylight Time Saving',
            'Time Zone',
            'x86-64 Applications',
            'File System',
            'Image Signature',
          ])}\n`,
        ),
    },
    {
      command: 'show',
      // The config revision counter, which moves on every save.
      clean: (output) => rejectLines(output, ['#config-version=']),
    },
  ],
  significantChanges(config) {
    // Encrypted values are re-encrypted with a fresh salt on every show, and so are private keys.
    const withoutEnc = rejectLines(config, [/^ +set \S+ ENC \S+$/]);
    return withoutEnc.replace(rb(/set private-key .*?-+END \S+ PRIVATE KEY-+\n?"$/gs), '');
  },
});
