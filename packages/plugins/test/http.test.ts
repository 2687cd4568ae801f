/**
 * HTTP(S) to device APIs: every `*.http.yaml` fixture is answered by a real HTTPS server of ours and
 * collected through its plugin (pinned certificate) into exactly its expected output, secrets scrubbed on
 * request; and every way an API call fails (wrong password or key, silence, refusal, TLS trouble) ends in a
 * classified error, as over SSH.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { CollectTimeouts } from '../src/contract.js';
import { findPlugin, plugins } from '../src/registry.js';
import {
  findHttpRecordings,
  type HttpRecording,
  type HttpReplayServerOptions,
  loadHttpRecording,
  startHttpReplayServer,
} from '../src/replay/http-replay-server.js';
import { pluginKeyByOxidizedModel } from '../src/replay/oxidized-models.js';
import { paloaltoPanosApiPlugin } from '../src/vendors/paloalto-panos-api.js';
import { rejectsWithCode } from './support/collect-context.js';
import { buildContext, fixturesRoot, rubyRegExp } from './support/replay-collect.js';
import { makeSelfSignedCertificate, type TestCertificate } from './support/self-signed-cert.js';

const short: Partial<CollectTimeouts> = { connectMs: 1000, idleMs: 1000, overallMs: 5000 };

interface HttpCollectOptions {
  server?: HttpReplayServerOptions;
  options?: Record<string, string>;
  password?: string;
  scrubSecrets?: boolean;
  timeouts?: Partial<CollectTimeouts>;
  maxTextBytes?: number;
  host?: string;
}

async function collectOverHttp(recording: HttpRecording, options: HttpCollectOptions = {}) {
  const plugin = findPlugin(pluginKeyOf(recording));
  assert.ok(plugin, `no plugin for ${recording.os}`);
  const server = await startHttpReplayServer(recording, options.server);
  try {
    const ctx = buildContext(server.port, {
      password: options.password,
      scrubSecrets: options.scrubSecrets,
      timeouts: options.timeouts,
      maxTextBytes: options.maxTextBytes,
      options: { ...recording.options, ...options.options },
    });
    if (options.host) ctx.target.host = options.host;
    const artefact = await plugin.collect(ctx);
    assert.equal(artefact.kind, 'text');
    return {
      text: artefact.kind === 'text' ? artefact.text : '',
      originalText: artefact.kind === 'text' ? artefact.originalText : undefined,
      requests: server.requests,
    };
  } finally {
    await server.close();
  }
}

/** A fixture folder is named after the Oxidized model, or after the plugin key when Oxidized has no such model. */
function pluginKeyOf(recording: HttpRecording): string {
  return pluginKeyByOxidizedModel[recording.os] ?? recording.os;
}

let certificate: TestCertificate;
const recordings: HttpRecording[] = [];
for (const path of await findHttpRecordings(fixturesRoot)) recordings.push(await loadHttpRecording(path));

before(async () => {
  certificate = await makeSelfSignedCertificate();
});

describe('every HTTP API fixture through its plugin', () => {
  it('has a fixture for every plugin that talks HTTP', () => {
    const httpPlugins = plugins.filter((plugin) => plugin.transport === 'http');

    for (const plugin of httpPlugins) {
      assert.ok(
        recordings.some((recording) => pluginKeyOf(recording) === plugin.key),
        `${plugin.key} has no *.http.yaml fixture`,
      );
    }
  });

  for (const recording of recordings) {
    if (recording.expectedOutput !== null) {
      const expected = recording.expectedOutput;
      it(`${recording.name}: stores exactly the expected config over HTTPS with a pinned certificate`, async () => {
        const { text } = await collectOverHttp(recording, {
          server: { tls: certificate },
          options: { tls_fingerprint: certificate.fingerprint256 },
        });

        assert.equal(text, expected);
      });
    }
    if (recording.expectedOutput !== null) {
      const expected = recording.expectedOutput;
      it(`${recording.name}: ends as its plugin says a complete output ends`, () => {
        const plugin = findPlugin(pluginKeyOf(recording));

        assert.ok(plugin?.completeWhen, `${pluginKeyOf(recording)} declares no completeWhen`);
        assert.match(expected, plugin.completeWhen);
      });
    }
    if (recording.secret) {
      const checks = recording.secret;
      it(`${recording.name}: hides every secret when scrubbing is on, and keeps the original to restore`, async () => {
        const { text, originalText } = await collectOverHttp(recording, {
          server: { tls: certificate },
          options: { tls_fingerprint: certificate.fingerprint256 },
          scrubSecrets: true,
        });

        assert.equal(originalText, recording.expectedOutput);
        for (const pattern of checks.pass) assert.match(text, rubyRegExp(pattern), `expected /${pattern}/`);
        for (const pattern of checks.fail)
          assert.doesNotMatch(text, rubyRegExp(pattern), `/${pattern}/ is still there`);
      });
    }
  }
});

describe('PAN-OS XML API over HTTP(S)', () => {
  let panos: HttpRecording;
  const pinned = () => ({ server: { tls: certificate }, options: { tls_fingerprint: certificate.fingerprint256 } });

  before(async () => {
    panos = await loadHttpRecording(join(fixturesRoot, 'panos_api', 'devicevault_pa-440_10.2.http.yaml'));
  });

  it('generates a key with a POST (no password in the URL), then exports the configuration with it', async () => {
    const { requests } = await collectOverHttp(panos, pinned());

    assert.equal(requests.length, 2);
    assert.equal(requests[0], 'POST /api/?type=keygen');
    assert.match(requests[1] ?? '', /^GET \/api\/\?key=LUFRPT[^&]+&category=configuration&type=export$/);
    assert.ok(requests.every((line) => !line.includes('rocks')));
  });

  it('accepts a self-signed certificate when the device says so explicitly', async () => {
    const { text } = await collectOverHttp(panos, {
      server: { tls: certificate },
      options: { tls_self_signed: 'true' },
    });

    assert.equal(text, panos.expectedOutput);
  });

  it('works over plain HTTP when the device asks for it', async () => {
    const { text } = await collectOverHttp(panos, { options: { scheme: 'http' } });

    assert.equal(text, panos.expectedOutput);
  });

  it('reports auth_failed for a wrong password (HTTP 403 "Invalid Credential")', async () => {
    const error = await rejectsWithCode(collectOverHttp(panos, { ...pinned(), password: 'wrong' }), 'auth_failed');

    assert.match(error.message, /Invalid Credential/);
    assert.doesNotMatch(error.message, /wrong/);
  });

  it('reports auth_failed when the key is refused by the export', async () => {
    const collecting = collectOverHttp(panos, {
      ...pinned(),
      server: { tls: certificate, fault: 'reject_after_first' },
    });

    await rejectsWithCode(collecting, 'auth_failed');
  });

  it('reports timeout when the API accepts the request and never answers', async () => {
    const collecting = collectOverHttp(panos, {
      ...pinned(),
      server: { tls: certificate, fault: 'silent' },
      timeouts: short,
    });

    await rejectsWithCode(collecting, 'timeout');
  });

  it('reports connection_refused when nothing listens', async () => {
    const collecting = collectOverHttp(panos, { ...pinned(), server: { fault: 'refuse' }, timeouts: short });

    await rejectsWithCode(collecting, 'connection_refused');
  });

  it('reports dns_failed for a name that does not resolve', async () => {
    const collecting = collectOverHttp(panos, { ...pinned(), host: 'no-such-firewall.invalid', timeouts: short });

    await rejectsWithCode(collecting, 'dns_failed');
  });

  it('reports tls_failed for a self-signed certificate nobody opted in to', async () => {
    const error = await rejectsWithCode(collectOverHttp(panos, { server: { tls: certificate } }), 'tls_failed');

    assert.match(error.message, /tls_fingerprint/);
  });

  it('reports tls_failed when the device speaks plain HTTP where HTTPS was expected', async () => {
    await rejectsWithCode(collectOverHttp(panos, { timeouts: short }), 'tls_failed');
  });

  it('reports host_key_changed when the certificate differs from the pinned one, before sending the password', async () => {
    const other = await makeSelfSignedCertificate();
    const server = await startHttpReplayServer(panos, { tls: other });
    try {
      const ctx = buildContext(server.port, { options: { tls_fingerprint: certificate.fingerprint256 } });

      await rejectsWithCode(paloaltoPanosApiPlugin.collect(ctx), 'host_key_changed');
      assert.deepEqual(server.requests, []);
    } finally {
      await server.close();
    }
  });

  it('reports connection_dropped when the device hangs up in the middle of the export', async () => {
    const collecting = collectOverHttp(panos, { ...pinned(), server: { tls: certificate, fault: 'drop_mid_body' } });

    await rejectsWithCode(collecting, 'connection_dropped');
  });

  it('reports output_too_large for an export beyond the text limit', async () => {
    await rejectsWithCode(collectOverHttp(panos, { ...pinned(), maxTextBytes: 1024 }), 'output_too_large');
  });

  it('reports aborted when the caller cancels, and timeout when the caller signals a deadline', async () => {
    const server = await startHttpReplayServer(panos, { tls: certificate, fault: 'silent' });
    try {
      const base = buildContext(server.port, {
        options: { tls_fingerprint: certificate.fingerprint256 },
        timeouts: { idleMs: 30_000 },
      });
      const cancelled = new AbortController();
      setTimeout(() => cancelled.abort(), 100);

      await rejectsWithCode(paloaltoPanosApiPlugin.collect({ ...base, signal: cancelled.signal }), 'aborted');
      await rejectsWithCode(paloaltoPanosApiPlugin.collect({ ...base, signal: AbortSignal.timeout(100) }), 'timeout');
    } finally {
      await server.close();
    }
  });

  it('reports target_denied when the network policy forbids the address, before any request', async () => {
    const server = await startHttpReplayServer(panos, { tls: certificate });
    try {
      const ctx = buildContext(server.port, { options: { tls_fingerprint: certificate.fingerprint256 } });
      ctx.networkPolicy = { allow: ['10.0.0.0/8'], deny: [] };

      await rejectsWithCode(paloaltoPanosApiPlugin.collect(ctx), 'target_denied');
      assert.deepEqual(server.requests, []);
    } finally {
      await server.close();
    }
  });

  it('refuses an unknown scheme', async () => {
    const ctx = buildContext(443, { options: { scheme: 'gopher' } });

    await rejectsWithCode(paloaltoPanosApiPlugin.collect(ctx), 'invalid_options');
  });
});

describe('OPNsense REST API over HTTPS', () => {
  it('reports auth_failed with the API message when the key or secret is wrong (HTTP 401)', async () => {
    const opnsense = await loadHttpRecording(join(fixturesRoot, 'deciso_opnsense_api', 'devicevault_24.7.http.yaml'));

    const collecting = collectOverHttp(opnsense, {
      server: { tls: certificate },
      options: { tls_fingerprint: certificate.fingerprint256 },
      password: 'not-the-secret',
    });

    const error = await rejectsWithCode(collecting, 'auth_failed');
    assert.match(error.message, /Authentication Failed/);
  });
});

describe('pfSense web configurator over HTTPS', () => {
  it('reports auth_failed with the login page alert when the password is wrong', async () => {
    const pfsense = await loadHttpRecording(
      join(fixturesRoot, 'netgate_pfsense_web', 'devicevault_CE_2.7.2.http.yaml'),
    );

    const collecting = collectOverHttp(pfsense, {
      server: { tls: certificate },
      options: { tls_fingerprint: certificate.fingerprint256 },
      password: 'wrong',
    });

    const error = await rejectsWithCode(collecting, 'auth_failed');
    assert.match(error.message, /Username or Password incorrect/);
  });

  it('stores the same config bytes as the SSH plugin does from the same firewall, less its version comment', async () => {
    const pfsense = await loadHttpRecording(
      join(fixturesRoot, 'netgate_pfsense_web', 'devicevault_CE_2.7.2.http.yaml'),
    );
    const overSsh = readFileSync(join(fixturesRoot, 'pfsense', 'CE_2.7.2.output.txt'), 'utf8');

    const { text } = await collectOverHttp(pfsense, {
      server: { tls: certificate },
      options: { tls_fingerprint: certificate.fingerprint256 },
    });

    assert.equal(`${text}<!-- PFsense 2.7.2-RELEASE -->\n`, overSsh);
  });
});
