/**
 * Oxidized's `iosxe` model is its `ios` model under another name (`IOSXE = IOS`), so nodes that name it get
 * exactly `cisco_ios`'s commands, cleanup and options under their own key and model name.
 */
import { defineShellPlugin } from '../runtime/shell-plugin.js';
import { ciscoIosPlugin } from './cisco-ios.js';

export const ciscoIosxePlugin = defineShellPlugin({
  ...ciscoIosPlugin.definition,
  key: 'cisco_iosxe',
  oxidizedModel: 'iosxe',
  friendlyName: 'Cisco IOS XE (Oxidized iosxe)',
  description: 'The same collection as cisco_ios, for nodes whose Oxidized model is iosxe.',
  // `ios`'s TELNET prompts, which the runtime looks up by model name.
  telnetLogin: ciscoIosPlugin.definition.telnetLogin ?? { username: /^Username:/i, password: /^Password:/i },
});
