/**
 * Deciso OPNsense through its REST API, for firewalls without a shell account: `GET
 * /api/core/backup/download/this` (OPNsense's documented core API, "Backup" controller) with an API key and
 * secret as the username and password. Stores `config.xml` with the same cleanup as the SSH plugin
 * (`deciso_opnsense`, Oxidized's `opnsense`), without its trailing version comment: the API has no
 * `opnsense-version`. Oxidized has no HTTP model for OPNsense.
 */
import type { BackupPlugin, CollectContext, TextArtefact } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { rb } from '../runtime/cleanup.js';
import { maskConfigXmlSecrets } from '../runtime/config-xml-secrets.js';
import { httpEndpointFor, httpOptions } from '../runtime/http-endpoint.js';
import { httpCall, requireSuccess } from '../transports/http-request.js';

export const decisoOpnsenseApiPlugin: BackupPlugin = {
  key: 'deciso_opnsense_api',
  friendlyName: 'Deciso OPNsense (REST API)',
  description:
    'config.xml over the HTTPS API (credential: API key as username, API secret as password), cleaned like the SSH plugin.',
  isBinary: false,
  transport: 'http',
  transports: ['http'],
  options: httpOptions,
  // config.xml is one <opnsense> element; a download cut short does not close it.
  completeWhen: /<\/opnsense>\s*$/,
  minBytes: 1,
  collect: collectOpnsense,
};

function clean(config: string): string {
  return (
    config
      // The last-change revision (time, user, description), rewritten on every save (as Oxidized opnsense).
      .replace(rb(/\s<revision>\s*<time>\d*<\/time>\s*.*\s*.*\s*<\/revision>/g), '')
      // The time the firewall rules were last reloaded (as Oxidized opnsense).
      .replace(rb(/\s<last_rule_upd_time>\d*<\/last_rule_upd_time>/g), '')
  );
}

async function collectOpnsense(outer: CollectContext): Promise<TextArtefact> {
  const ctx = { ...outer, signal: AbortSignal.any([outer.signal, AbortSignal.timeout(outer.timeouts.overallMs)]) };
  const endpoint = httpEndpointFor(ctx.target);
  const call = {
    method: 'GET' as const,
    path: '/api/core/backup/download/this',
    headers: {
      authorization: `Basic ${Buffer.from(`${ctx.target.username}:${ctx.target.password}`).toString('base64')}`,
    },
    label: 'the configuration download (core/backup/download)',
  };
  try {
    ctx.progress({ message: 'downloading config.xml' });
    const result = await httpCall(endpoint, call, ctx);
    requireSuccess(result, call, apiMessage(result.body));
    const config = result.body.toString('utf8');
    if (!config.includes('<opnsense>')) {
      throw new CollectError('plugin_error', `${call.label} did not return an OPNsense config.xml`);
    }
    const text = clean(config);
    if (!ctx.scrubSecrets) return { kind: 'text', text };
    // Ours, as the SSH plugin: every secret element of config.xml (Oxidized's opnsense masks nothing).
    const masked = maskConfigXmlSecrets(text);
    // The restorable original, kept encrypted by the server, when the masks changed anything.
    return { kind: 'text', text: masked, originalText: masked === text ? undefined : text };
  } catch (error) {
    if (isCollectError(error)) throw error;
    throw new CollectError('plugin_error', `deciso_opnsense_api: ${String(error)}`, { cause: error });
  }
}

/** The `message` of the API's JSON error body (`{"status":401,"message":"Authentication Failed"}`). */
function apiMessage(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed && 'message' in parsed ? String(parsed.message) : undefined;
  } catch {
    return undefined;
  }
}
