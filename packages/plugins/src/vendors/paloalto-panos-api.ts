/**
 * Palo Alto Networks PAN-OS through its XML API, as Oxidized's `panos_api` model does it: generate an API key
 * (`type=keygen`), export the running configuration (`type=export&category=configuration`) and store it
 * re-indented the way Nokogiri's `to_xml(indent: 2)` writes it: a config that can be restored as it is.
 */
import type { BackupPlugin, CollectContext, TextArtefact } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { withOverallDeadline } from '../runtime/abort.js';
import { httpEndpointFor, httpOptions } from '../runtime/http-endpoint.js';
import { formatXmlLikeLibxml2, parseXmlRoot, textOfFirst, type XmlElement } from '../runtime/xml-format.js';
import { type HttpEndpoint, httpCall, requireSuccess } from '../transports/http-request.js';

/**
 * Elements whose text is a secret (PAN-OS stores most of them encrypted as `-AQ==…`, which still must not
 * sit in a shared config history); Oxidized's model masks nothing, so these go beyond it.
 */
const secretElements = [
  // Administrator and local-database password hashes.
  'phash',
  // IKE pre-shared keys, OSPF/BGP authentication keys, IPsec manual keys.
  'key',
  // Certificate private keys.
  'private-key',
  // RADIUS / TACACS+ shared secrets, LDAP bind passwords, other profile passwords.
  'secret',
  'bind-password',
  'password',
  'passphrase',
  // SNMP v2c communities and SNMPv3 authentication and privacy passwords.
  'snmp-community-string',
  'authpwd',
  'privpwd',
];
const secretPattern = new RegExp(`(<(${secretElements.join('|')})>)[^<]*(</\\2>)`, 'g');

export const paloaltoPanosApiPlugin: BackupPlugin = {
  key: 'paloalto_panos_api',
  friendlyName: 'Palo Alto PAN-OS (XML API)',
  description: 'Running configuration as restorable XML, exported over the HTTPS XML API with a generated API key.',
  isBinary: false,
  transport: 'http',
  transports: ['http'],
  oxidizedModel: 'panos_api',
  options: httpOptions,
  // The exported configuration is one <config> element; an export cut short does not close it.
  completeWhen: /<\/config>\n$/,
  minBytes: 1,
  collect: (outer) => withOverallDeadline(outer, collectPanos),
};

async function collectPanos(ctx: CollectContext): Promise<TextArtefact> {
  const endpoint = httpEndpointFor(ctx.target);
  try {
    ctx.progress({ message: 'generating an API key' });
    const key = await generateKey(endpoint, ctx);
    ctx.progress({ message: 'exporting the running configuration' });
    const xml = await exportConfiguration(endpoint, key, ctx);
    const text = formatXmlLikeLibxml2(xml);
    if (!ctx.scrubSecrets) return { kind: 'text', text };
    const masked = text.replace(secretPattern, '$1(secret hidden)$3');
    // The restorable original, kept encrypted by the server, when the masks changed anything.
    return { kind: 'text', text: masked, originalText: masked === text ? undefined : text };
  } catch (error) {
    if (isCollectError(error)) throw error;
    throw new CollectError('plugin_error', `paloalto_panos_api: ${String(error)}`, { cause: error });
  }
}

/** `type=keygen`, POSTed so the password stays out of the device's access logs (as Palo Alto recommends). */
async function generateKey(endpoint: HttpEndpoint, ctx: CollectContext): Promise<string> {
  const call = {
    method: 'POST' as const,
    path: '/api/?type=keygen',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user: ctx.target.username, password: ctx.target.password }).toString(),
    label: 'the API key request (type=keygen)',
  };
  const result = await httpCall(endpoint, call, ctx);
  const response = readResponse(result.body);
  requireSuccess(result, call, response?.message);
  // Oxidized: anything but status="success" means no key.
  if (response?.status !== 'success') {
    throw new CollectError('auth_failed', `the device refused an API key: ${response?.message ?? 'no XML answer'}`);
  }
  const key = textOfFirst(response.root, 'key')?.trim();
  if (!key) throw new CollectError('plugin_error', 'the keygen answer carries no key');
  return key;
}

async function exportConfiguration(endpoint: HttpEndpoint, key: string, ctx: CollectContext): Promise<string> {
  const call = {
    method: 'GET' as const,
    path: `/api/?${new URLSearchParams({ key, category: 'configuration', type: 'export' })}`,
    label: 'the configuration export (type=export)',
  };
  const result = await httpCall(endpoint, call, ctx);
  const text = result.body.toString('utf8');
  const response = readResponse(result.body);
  requireSuccess(result, call, response?.message);
  // Errors come wrapped in <response status="error">; the configuration itself is a bare <config>.
  if (response && response.status !== 'success') {
    throw new CollectError('plugin_error', `the export failed: ${response.message ?? response.status}`);
  }
  return text;
}

interface ApiResponse {
  root: XmlElement;
  status: string;
  message: string | undefined;
}

/** A `<response status=…>` envelope, or undefined for anything else (the exported config, or not XML). */
function readResponse(body: Buffer): ApiResponse | undefined {
  let root: XmlElement;
  try {
    root = parseXmlRoot(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (root.name !== 'response') return undefined;
  const status = root.attributes.find(([name]) => name === 'status')?.[1] ?? '';
  const message = textOfFirst(root, 'msg')?.trim() || textOfFirst(root, 'line')?.trim() || undefined;
  return { root, status, message };
}
