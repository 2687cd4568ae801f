/**
 * Eaton Gigabit Network Card M3 (UPS/PDU management cards). Same command and stored bytes as Oxidized's
 * `eatonnetwork` model: the card's JSON configuration from `save_configuration`, pretty-printed, without
 * login-attempt counters and password histories.
 */
import { keepLines } from '../runtime/cleanup.js';
import { dig, type JsonValue, parseOrderedJson, prettyGenerate } from '../runtime/ordered-json.js';
import { defineShellPlugin } from '../runtime/shell-plugin.js';

export const eatonNetworkPlugin = defineShellPlugin({
  key: 'eaton_network',
  oxidizedModel: 'eatonnetwork',
  friendlyName: 'Eaton Network-M3 card',
  description: 'JSON configuration of an Eaton Gigabit Network Card M3, over SSH exec.',
  transport: 'ssh-exec',
  // Oxidized's default prompt (used only when exec is turned off with ssh_no_exec).
  prompt: /^([\w.@-]+[#>]\s?)$/m,
  commentPrefix: '# ',
  logout: ['logout'],
  commands: [],
  // The export's passphrase encrypts its secret parts; the login password is used, as Oxidized does, and the
  // job log shows the command without it.
  post: ({ run, target }) =>
    run(`save_configuration -p ${target.password}`, { label: 'save_configuration -p <login password>' }),
  cleanAll(output) {
    // The echo and the date lines around the JSON: only the JSON line (it starts with `{`) is kept.
    const json = parseOrderedJson(keepLines(output, [/^\{/]));
    const local = dig(json, 'features', 'userAndSessionManagement', 'data', 'settings', 'all', '1.0', 'local', '1.0');
    for (const account of [...arrayAt(local, 'predefinedAccounts'), ...arrayAt(local, 'createdAccounts')]) {
      if (!(account instanceof Map)) continue;
      // Failed-login counters and the password history change without a config change.
      account.delete('attemptLogin');
      const password = account.get('password');
      if (password instanceof Map) password.delete('history');
    }
    return prettyGenerate(json);
  },
  maskSecrets(output) {
    const json = parseOrderedJson(output);
    // The export passphrase.
    if (json instanceof Map) json.delete('passphrase');
    // Remote-management (RMS) proxy and account credentials.
    deleteKeys(dig(json, 'features', 'rms', 'data', 'settings'), [
      'proxyUsername',
      'proxyPassword',
      'username',
      'password',
      'defaultPassword',
    ]);
    // The SMTP account password.
    deleteKeys(dig(json, 'features', 'smtp', 'data', 'dmeData'), ['password']);
    // SNMPv3 users' auth and privacy passwords.
    for (const user of arrayAt(dig(json, 'features', 'snmp', 'data', 'dmeData', 'v3'), 'users')) {
      deleteKeys(dig(user, 'auth'), ['password']);
      deleteKeys(dig(user, 'priv'), ['password']);
    }
    const all = dig(json, 'features', 'userAndSessionManagement', 'data', 'settings', 'all', '1.0');
    // The LDAP bind password and the RADIUS shared secrets.
    deleteKeys(dig(all, 'ldap', '1.0', 'settings', 'connectivity', 'bind'), ['password']);
    deleteKeys(dig(all, 'radius', '1.0', 'settings', 'connectivity', 'primaryServer'), ['secret']);
    deleteKeys(dig(all, 'radius', '1.0', 'settings', 'connectivity', 'secondaryServer'), ['secret']);
    // 802.1X PEAP passwords of the Ethernet ports (firmware 2.2.0 and later).
    for (const port of arrayAt(dig(json, 'features', 'peripherals', 'data', 'dmeData', 'ethernet'), 'ports')) {
      deleteKeys(dig(port, 'dot1x', 'peap'), ['password']);
    }
    return prettyGenerate(json);
  },
});

function arrayAt(parent: JsonValue | undefined, key: string): JsonValue[] {
  const value = dig(parent, key);
  return Array.isArray(value) ? value : [];
}

function deleteKeys(object: JsonValue | undefined, keys: readonly string[]): void {
  if (!(object instanceof Map)) return;
  for (const key of keys) object.delete(key);
}
