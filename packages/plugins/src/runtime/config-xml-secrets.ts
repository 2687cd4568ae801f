/**
 * Secret masks for the `config.xml` of pfSense and OPNsense (OPNsense is a pfSense fork: the same element
 * names hold the same secrets), shared by their SSH and HTTP plugins. Oxidized's `pfsense` masks three
 * elements and its `opnsense` none; the list below is ours and hides every element whose text is a secret.
 */
import { rb } from './cleanup.js';

const placeholder = '[secret hidden]';

/** Oxidized's `pfsense` `cmd :secret`, as it writes them (a one-line value after whitespace). */
export function maskPfsenseOxidizedSecrets(config: string): string {
  return (
    config
      // User password hashes.
      .replace(rb(/(\s+<bcrypt-hash>).+?(<\/bcrypt-hash>)/g), `$1${placeholder}$2`)
      // Passwords (users, VPNs, services).
      .replace(rb(/(\s+<password>).+?(<\/password>)/g), `$1${placeholder}$2`)
      // The lighttpd status page password.
      .replace(rb(/(\s+<lighttpd_ls_password>).+?(<\/lighttpd_ls_password>)/g), `$1${placeholder}$2`)
  );
}

const secretElements = [
  // Ours: Oxidized leaves user password hashes wrapped over lines or in CDATA; and the older hash formats.
  'password',
  'bcrypt-hash',
  'sha512-hash',
  'md5-hash',
  'nt-hash',
  // Ours: Oxidized leaves certificate, CA and ACME account private keys (base64 PEM) in the clear.
  'prv',
  'accountkey',
  // Ours: Oxidized leaves IPsec pre-shared keys (tunnels, mobile clients, per user; OPNsense's `<Key>`).
  'pre-shared-key',
  'ipsecpsk',
  'Key',
  // Ours: Oxidized leaves OpenVPN static and TLS auth/crypt keys and client login passwords.
  'shared_key',
  'tls',
  'auth_pass',
  // Ours: Oxidized leaves the LDAP bind password and RADIUS shared secrets of the auth servers and portal.
  'ldap_bindpw',
  'radius_secret',
  'radius_secret2',
  'radiuskey',
  'radiuskey2',
  // Ours: Oxidized leaves API secrets, L2TP secrets and TOTP seeds (OPNsense).
  'secret',
  'otp_seed',
  // Ours: Oxidized leaves SNMP communities (the daemon's, its traps' and the web proxy's).
  'rocommunity',
  'rwcommunity',
  'trapstring',
  'snmp_password',
  // Ours: Oxidized leaves WireGuard private and pre-shared keys (pfSense package, OPNsense plugin).
  'privatekey',
  'presharedkey',
  'privkey',
  'psk',
  // Ours: Oxidized leaves Wi-Fi WPA passphrases.
  'passphrase',
  // Ours: Oxidized leaves dynamic-DNS update keys (DHCP, RFC 2136) and the auto config backup password.
  'ddnsdomainkey',
  'keydata',
  'encryption_password',
  // Oxidized's own: the lighttpd status page password (here too when it spans lines).
  'lighttpd_ls_password',
];

// One pass for all of them; an element's text (CDATA and line breaks included) up to its own closing tag.
const secretElement = new RegExp(`(<(${secretElements.join('|')})>)(?!</\\2>)[\\s\\S]+?(</\\2>)`, 'g');

/** Every secret element's text replaced by the placeholder; empty elements stay as they are. */
export function maskConfigXmlSecrets(config: string): string {
  return config.replace(secretElement, `$1${placeholder}$3`);
}
