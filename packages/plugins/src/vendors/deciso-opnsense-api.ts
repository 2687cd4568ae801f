/**
 * Deciso OPNsense through its REST API, for firewalls without a shell account: `GET
 * /api/core/backup/download/this` (OPNsense's documented core API, "Backup" controller) with an API key and
 * secret as the username and password. Stores `config.xml` with the same cleanup as the SSH plugin
 * (`deciso_opnsense`, Oxidized's `opnsense`), without its trailing version comment: the API has no
 * `opnsense-version`. Oxidized has no HTTP model for OPNsense.
 */
import type { BackupPlugin, CollectContext, TextArtefact } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { withOverallDeadline } from '../runtime/abort.js';
import { httpEndpointFor, httpOptions } from '../runtime/http-endpoint.js';
import { fileArtefactAs } from '../runtime/original-text.js';
import { httpCall, requireSuccess } from '../transports/http-request.js';
import { decisoOpnsensePlugin } from './deciso-opnsense.js';

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
  collect: (outer) => withOverallDeadline(outer, collectOpnsense),
};

async function collectOpnsense(ctx: CollectContext): Promise<TextArtefact> {
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
    // The SSH plugin's cleanup and masks, so both store the same config bytes.
    return fileArtefactAs(decisoOpnsensePlugin.definition, 'cat /conf/config.xml', config, ctx);
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
