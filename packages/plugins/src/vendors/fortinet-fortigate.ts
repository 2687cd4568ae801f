/** Fortinet FortiGate (FortiOS). Same commands and stored bytes as Oxidized's `fortios` model. */
import { cutBoth, linesOf, takeWhile } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

/** `get system status` lines that change without a config change: signature DBs, engines, clock, reboots. */
const volatileStatus =
  /^(First GA patch build date|Firmware Signature|.*-DB|.*DB|AV AI\/ML Model|IPS-Engine|IPS Malicious URL Database|IoT-Detect|Log hard disk|Branch point|Release Version Information|System time|Last reboot reason|Cluster uptime|Uptime)\b.*\n/gm;

export const fortinetFortigatePlugin = defineShellPlugin({
  key: 'fortinet_fortigate',
  oxidizedModel: 'fortigate',
  friendlyName: 'Fortinet FortiGate',
  description: 'Full configuration plus status, hardware and transceiver header, over an SSH shell.',
  prompt: /^(\(\w\) )?([-\w.~]+(\(\w+\))?(\s\(\S+\))?\s?[#>$]\s?)$/m,
  commentPrefix: '# ',
  expects: [
    // The pager of `get system status`, which FortiOS shows even with the console output set to standard.
    { pattern: /^--More--\s$/m, send: ' ' },
  ],
  logout: ['exit'],
  cleanAll(output) {
    // The blank-out FortiOS draws over `--More--` after the keypress, then the echo and the prompt.
    return cutBoth(output.replace(/\r +\r/g, '').replace(/\r/g, ''));
  },
  maskSecrets: maskFortiSecrets,
  significantChanges(config) {
    // ENC values and keys are re-encrypted with a new salt on every read, so they differ on every run;
    // FortiGuard updates the internet-service table by itself, it is not configuration anybody wrote.
    return maskFortiSecrets(config).replace(
      /^config firewall internet-service-name\n(?:(?!end\n)[^\n]*\n)*end\n/gm,
      '',
    );
  },
  commands: [
    { command: 'get system status', clean: (output, { comment }) => comment(output.replace(volatileStatus, '')) },
    { command: 'get hardware status', clean: (output, { comment }) => comment(output) },
    // Power supply state is operational, not configuration; Oxidized stores nothing of it.
    { command: 'diagnose hardware deviceinfo psu', clean: () => '' },
    {
      command: 'get system interface transceiver',
      clean(output, { comment }) {
        // Keep the module list; the optical readings table after the blank line changes by the second.
        const modules = takeWhile(linesOf(output), (line) => line !== '\n').filter(
          (line) => !/not detected/.test(line),
        );
        return comment(`${modules.join('')}\n`);
      },
    },
    {
      command: 'show | grep .',
      // The config file revision, bumped on every save even when nothing changed.
      clean: (output) => output.replace(/^#conf_file_ver=.*\n/gm, ''),
    },
  ],
});

function maskFortiSecrets(config: string): string {
  return (
    config
      // Every `ENC` value: passwords, PSKs, SNMP and TACACS+ keys (re-encrypted on every read, too).
      .replace(/(set .+ ENC) .+/g, '$1 <configuration removed>')
      // PEM private keys, which span several lines inside one quoted value.
      .replace(
        /^(\s*set private-key ).*?-+END (ENCRYPTED |RSA |OPENSSH |EC )?PRIVATE KEY-+\n?"$/gms,
        '$1<configuration removed>',
      )
  );
}
