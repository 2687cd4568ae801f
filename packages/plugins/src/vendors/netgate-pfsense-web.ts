/**
 * Netgate pfSense through its web configurator, for firewalls without SSH: the remote configuration backup
 * Netgate documents ("Remote Config Backup": fetch diag_backup.php for its CSRF token, log in with
 * usernamefld/passwordfld, then POST download=download&donotbackuprrd=yes). Stores config.xml with exactly the
 * cleanup and secret masks of the SSH plugin (`netgate_pfsense`, Oxidized's `pfsense`), without its trailing
 * version comment (the download carries no version). Oxidized has no HTTP model for pfSense.
 */
import type { BackupPlugin, CollectContext, TextArtefact } from '../contract.js';
import { CollectError, isCollectError } from '../errors.js';
import { withOverallDeadline } from '../runtime/abort.js';
import { httpEndpointFor, httpOptions } from '../runtime/http-endpoint.js';
import { fileArtefactAs } from '../runtime/original-text.js';
import {
  type HttpCall,
  type HttpEndpoint,
  type HttpResult,
  httpCall,
  requireSuccess,
} from '../transports/http-request.js';
import { netgatePfsensePlugin } from './netgate-pfsense.js';

const backupPage = '/diag_backup.php';

export const netgatePfsenseWebPlugin: BackupPlugin = {
  key: 'netgate_pfsense_web',
  friendlyName: 'Netgate pfSense (web configurator)',
  description:
    'config.xml from Diagnostics > Backup & Restore over HTTPS (user needs that page), cleaned like the SSH plugin.',
  isBinary: false,
  transport: 'http',
  transports: ['http'],
  options: httpOptions,
  // config.xml is one <pfsense> element; a download cut short does not close it.
  completeWhen: /<\/pfsense>\s*$/,
  minBytes: 1,
  collect: (outer) => withOverallDeadline(outer, collectPfsense),
};

async function collectPfsense(ctx: CollectContext): Promise<TextArtefact> {
  const session = webSession(httpEndpointFor(ctx.target), ctx);
  try {
    ctx.progress({ message: 'opening the web configurator' });
    const loginPage = await session.request({ method: 'GET', path: backupPage, label: 'the login page' });
    ctx.progress({ message: 'logging in' });
    const afterLogin = await session.request({
      method: 'POST',
      path: backupPage,
      form: {
        login: 'Login',
        usernamefld: ctx.target.username,
        passwordfld: ctx.target.password,
        __csrf_magic: csrfTokenOf(loginPage),
      },
      label: 'the login',
    });
    if (isLoginForm(afterLogin)) {
      throw new CollectError(
        'auth_failed',
        `pfSense refused the login for ${ctx.target.username}${alertOf(afterLogin)}`,
      );
    }
    ctx.progress({ message: 'downloading config.xml' });
    const download = await session.request({
      method: 'POST',
      path: backupPage,
      form: { download: 'download', donotbackuprrd: 'yes', __csrf_magic: csrfTokenOf(afterLogin) },
      label: 'the configuration download',
    });
    return artefactOf(download.body.toString('utf8'), ctx, isLoginForm(download));
  } catch (error) {
    if (isCollectError(error)) throw error;
    throw new CollectError('plugin_error', `netgate_pfsense_web: ${String(error)}`, { cause: error });
  }
}

/** The SSH plugin's own cleanup and masks on the downloaded file, so both store the same config bytes. */
function artefactOf(config: string, ctx: CollectContext, sentBackToLogin: boolean): TextArtefact {
  if (!config.includes('<pfsense>')) {
    if (sentBackToLogin) throw new CollectError('auth_failed', 'pfSense ended the session before the download');
    throw new CollectError('plugin_error', 'the download is not a pfSense config.xml (<pfsense> missing)');
  }
  return fileArtefactAs(netgatePfsensePlugin.definition, 'cat /cf/conf/config.xml', config, ctx);
}

interface WebRequest {
  method: 'GET' | 'POST';
  path: string;
  form?: Record<string, string>;
  label: string;
}

/** Requests that carry the session cookie the web configurator sets, as a browser would. */
function webSession(endpoint: HttpEndpoint, ctx: CollectContext) {
  const cookies = new Map<string, string>();

  async function send(call: HttpCall): Promise<HttpResult> {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const result = await httpCall(
      endpoint,
      { ...call, headers: { ...call.headers, ...(cookie ? { cookie } : {}) } },
      ctx,
    );
    for (const line of result.headers['set-cookie'] ?? []) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return result;
  }

  return {
    async request(request: WebRequest): Promise<HttpResult> {
      const body = request.form ? new URLSearchParams(request.form).toString() : undefined;
      const headers: Record<string, string> = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
      let result = await send({ method: request.method, path: request.path, headers, body, label: request.label });
      // Some releases answer a login with a redirect; follow it on the same host, as the documented wget does.
      const location = result.headers.location;
      if ([301, 302, 303].includes(result.status) && location) {
        const path = new URL(location, `${endpoint.scheme}://${endpoint.host}`).pathname || '/';
        result = await send({ method: 'GET', path, label: request.label });
      }
      requireSuccess(result, request);
      return result;
    },
  };
}

/** The `__csrf_magic` token every pfSense form carries (`<input type='hidden' name='__csrf_magic' value="…" />`). */
function csrfTokenOf(page: HttpResult): string {
  const match = /name=['"]__csrf_magic['"]\s+value=['"]([^'"]+)['"]/.exec(page.body.toString('utf8'));
  if (!match?.[1]) {
    throw new CollectError('plugin_error', 'no __csrf_magic token on the page: is this a pfSense web configurator?');
  }
  return match[1];
}

function isLoginForm(page: HttpResult): boolean {
  return /name=['"]passwordfld['"]/.test(page.body.toString('utf8'));
}

/** The login page's error text (": Username or Password incorrect"), or nothing. */
function alertOf(page: HttpResult): string {
  const alert = /class=['"][^'"]*alert-danger[^'"]*['"][^>]*>\s*([^<]+?)\s*</.exec(page.body.toString('utf8'))?.[1];
  return alert ? `: ${alert}` : '';
}
