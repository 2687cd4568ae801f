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
  // Ours: Oxidized leaves passwords written across lines or in CDATA.
  'password',
  // Ours: the same for bcrypt user password hashes.
  'bcrypt-hash',
  // Ours: Oxidized leaves SHA-512 user password hashes (older releases).
  'sha512-hash',
  // Ours: Oxidized leaves MD5 user password hashes (older releases).
  'md5-hash',
  // Ours: Oxidized leaves NT user password hashes (older releases).
  'nt-hash',
  // Ours: Oxidized leaves certificate and CA private keys (base64 PEM).
  'prv',
  // Ours: Oxidized leaves ACME account private keys.
  'accountkey',
  // Ours: Oxidized leaves IPsec pre-shared keys of tunnels and mobile clients.
  'pre-shared-key',
  // Ours: Oxidized leaves per-user IPsec pre-shared keys.
  'ipsecpsk',
  // Ours: Oxidized leaves OPNsense's IPsec pre-shared keys (`<preSharedKey><Key>`).
  'Key',
  // Ours: Oxidized leaves OpenVPN static keys.
  'shared_key',
  // Ours: Oxidized leaves OpenVPN TLS auth/crypt keys.
  'tls',
  // Ours: Oxidized leaves OpenVPN client login passwords.
  'auth_pass',
  // Ours: Oxidized leaves the LDAP bind password of auth servers.
  'ldap_bindpw',
  // Ours: Oxidized leaves RADIUS shared secrets of auth servers.
  'radius_secret',
  // Ours: Oxidized leaves the secondary RADIUS server's secret.
  'radius_secret2',
  // Ours: Oxidized leaves the captive portal's RADIUS secret.
  'radiuskey',
  // Ours: Oxidized leaves the captive portal's secondary RADIUS secret.
  'radiuskey2',
  // Ours: Oxidized leaves API key secrets and L2TP secrets (OPNsense).
  'secret',
  // Ours: Oxidized leaves TOTP seeds of users with two-factor login (OPNsense).
  'otp_seed',
  // Ours: Oxidized leaves the SNMP read community.
  'rocommunity',
  // Ours: Oxidized leaves the SNMP write community.
  'rwcommunity',
  // Ours: Oxidized leaves the SNMP trap community.
  'trapstring',
  // Ours: Oxidized leaves the web proxy's SNMP community (OPNsense).
  'snmp_password',
  // Ours: Oxidized leaves WireGuard tunnel private keys (pfSense package).
  'privatekey',
  // Ours: Oxidized leaves WireGuard peer pre-shared keys (pfSense package).
  'presharedkey',
  // Ours: Oxidized leaves WireGuard private keys (OPNsense plugin).
  'privkey',
  // Ours: Oxidized leaves WireGuard pre-shared keys (OPNsense plugin).
  'psk',
  // Ours: Oxidized leaves Wi-Fi WPA passphrases.
  'passphrase',
  // Ours: Oxidized leaves DHCP dynamic-DNS update keys.
  'ddnsdomainkey',
  // Ours: Oxidized leaves RFC 2136 dynamic-DNS keys.
  'keydata',
  // Ours: Oxidized leaves the auto config backup's encryption password.
  'encryption_password',
  // Oxidized's own: the lighttpd status page password (here also when it spans lines).
  'lighttpd_ls_password',
];

// One pass for all of them; an element's text (CDATA and line breaks included) up to its own closing tag.
const secretElement = new RegExp(`(<(${secretElements.join('|')})>)(?!</\\2>)[\\s\\S]+?(</\\2>)`, 'g');

/** Every secret element's text replaced by the placeholder; empty elements stay as they are. */
export function maskConfigXmlSecrets(config: string): string {
  return config.replace(secretElement, `$1${placeholder}$3`);
}
