/**
 * Palo Alto Networks PAN-OS firewalls and Panorama over the SSH CLI. Same commands and stored bytes as
 * Oxidized's `panos` model: system info (without uptime and content versions) as `! ` comments, then the
 * running config in the CLI's brace format. (The XML API is another plugin, for Oxidized's `panos_api`.)
 */
import { cutBoth, rb } from '../runtime/cleanup.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const paloaltoPanosPlugin = defineShellPlugin({
  key: 'paloalto_panos',
  oxidizedModel: 'panos',
  friendlyName: 'Palo Alto PAN-OS (SSH CLI)',
  description: 'Running config plus system info, over an SSH shell.',
  // `admin@PA-3220> `, `admin@PA-3220(active)> `.
  prompt: rb(/^[\w.@:()-]+>\s?$/),
  commentPrefix: '! ',
  completeWhen: /\n\}\n+$/, // the closing brace of `config {`, the last output
  postLogin: ['set cli pager off'],
  logout: ['quit'],
  // The echo and the blank line after it; the blank line and the prompt at the end.
  cleanAll: (output) => cutBoth(output, 2, 2),
  // Oxidized's `panos` hides nothing; ours: every value PAN-OS keeps as a secret (password hashes, `-AQ==`
  // cipher texts of keys and passwords, SNMP communities, pre-shared and private keys), brace format.
  maskSecrets: (output) =>
    output.replace(
      rb(
        /^(\s*(?:phash|password|secret|key|pre-shared-key|authentication-key|auth-password|priv-password|passphrase|private-key|snmp-community-string|community|bind-password|shared-secret)) (?!<)\S[^\n]*;$/g,
      ),
      '$1 <secret hidden>;',
    ),
  commands: [
    {
      command: 'show system info',
      clean: (output, { comment }) =>
        comment(
          output
            // Clock and uptime.
            .replace(rb(/^(up)?time: .*$/g), '')
            // Content versions and dates (applications, antivirus, threats, WildFire, device dictionary, URL
            // filtering, GlobalProtect), which dynamic updates change without a config change.
            .replace(rb(/^app-.*?: .*$/g), '')
            // Antivirus versions and dates.
            .replace(rb(/^av-.*?: .*$/g), '')
            // Threat versions and dates.
            .replace(rb(/^threat-.*?: .*$/g), '')
            // WildFire versions and dates.
            .replace(rb(/^wildfire-.*?: .*$/g), '')
            // WildFire private cloud versions.
            .replace(rb(/^wf-private.*?: .*$/g), '')
            // The device dictionary version.
            .replace(rb(/^device-dictionary-version.*?: .*$/g), '')
            // The device dictionary release date.
            .replace(rb(/^device-dictionary-release-date.*?: .*$/g), '')
            // URL filtering versions.
            .replace(rb(/^url-filtering.*?: .*$/g), '')
            // GlobalProtect client and data file versions.
            .replace(rb(/^global-.*?: .*$/g), ''),
        ),
    },
    { command: 'show config running' },
  ],
});
