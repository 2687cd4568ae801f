/**
 * TELNET, opt-in per device: a recorded session played by our TELNET replay server (real TCP, option
 * negotiation, IAC escaping, NVT line ends) comes out byte for byte as over SSH, and every way a login or
 * a session can fail ends in the same classified error as SSH.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { BackupPlugin, CollectTimeouts } from '../src/contract.js';
import { findPlugin } from '../src/registry.js';
import { findSimulations, loadRecording, type Recording } from '../src/replay/load-recording.js';
import { pluginKeyByOxidizedModel } from '../src/replay/oxidized-models.js';
import { startTelnetReplayServer, type TelnetReplayServerOptions } from '../src/replay/telnet-replay-server.js';
import { isShellPlugin } from '../src/runtime/shell-plugin.js';
import { telnetLoginPromptsFor } from '../src/runtime/telnet-session.js';
import { createTelnetDecoder, encodeTelnetData, type TelnetVerb } from '../src/transports/telnet-protocol.js';
import { ciscoIosPlugin } from '../src/vendors/cisco-ios.js';
import { rejectsWithCode } from './support/collect-context.js';
import { buildContext, collectFromRecording, credentials, fixturesRoot } from './support/replay-collect.js';

const short: Partial<CollectTimeouts> = { connectMs: 1000, idleMs: 1000, overallMs: 5000 };

interface TelnetCollectOptions {
  password?: string;
  fault?: TelnetReplayServerOptions['fault'];
  timeouts?: Partial<CollectTimeouts>;
  scrubSecrets?: boolean;
  options?: Record<string, string>;
  server?: Partial<TelnetReplayServerOptions>;
}

async function collectOverTelnet(plugin: BackupPlugin, recording: Recording, options: TelnetCollectOptions = {}) {
  const server = await startTelnetReplayServer(recording, { ...credentials, fault: options.fault, ...options.server });
  try {
    const ctx = buildContext(22, {
      password: options.password,
      timeouts: options.timeouts,
      scrubSecrets: options.scrubSecrets,
      options: { ...options.options, transport: 'telnet', telnet_port: String(server.port) },
    });
    const artefact = await plugin.collect(ctx);
    return { artefact, negotiated: server.negotiated };
  } finally {
    await server.close();
  }
}

function recordingPath(os: string, name: string): string {
  return join(fixturesRoot, os, `${name}.simulation.yaml`);
}

describe('TELNET transport', () => {
  let ios: Recording;

  before(async () => {
    ios = await loadRecording(recordingPath('ios', 'C9200L-24P-4G_17.09.04a'));
  });

  it('stores byte for byte what the same recording gives over SSH, and tells the device an 80x24 VT100 as Oxidized asks over SSH', async () => {
    const overSsh = await collectFromRecording(ciscoIosPlugin, ios);

    const { artefact, negotiated } = await collectOverTelnet(ciscoIosPlugin, ios);

    assert.equal(artefact.kind, 'text');
    assert.equal(overSsh.kind, 'text');
    assert.equal(artefact.text, overSsh.text);
    assert.equal(artefact.text, ios.expectedOutput);
    assert.equal(artefact.hostKeyFingerprint, undefined);
    assert.deepEqual(negotiated, { NAWS: '80x24', TTYPE: 'VT100' });
  });

  it('scrubs secrets over TELNET exactly as over SSH', async () => {
    const overSsh = await collectFromRecording(ciscoIosPlugin, ios, { scrubSecrets: true });

    const { artefact } = await collectOverTelnet(ciscoIosPlugin, ios, { scrubSecrets: true });

    assert.equal(artefact.kind === 'text' && artefact.text, overSsh.kind === 'text' && overSsh.text);
  });

  it('logs in at the prompts the Oxidized model declares for TELNET (Junos "login:")', async () => {
    const junos = await loadRecording(recordingPath('junos', 'srx300_22.4_wo_cluster_ssh_no_exec'));
    const plugin = findPlugin(pluginKeyByOxidizedModel.junos ?? '');
    assert.ok(plugin);
    const overSsh = await collectFromRecording(plugin, junos, { options: { ssh_no_exec: 'true' } });

    const { artefact } = await collectOverTelnet(plugin, junos, {
      // Over TELNET the Junos exec plugin screen-scrapes its shell, as with ssh_no_exec (Oxidized's junos model).
      server: { usernamePrompt: 'srx300 (ttyp0)\r\n\r\nlogin: ', passwordPrompt: 'Password:' },
    });

    assert.equal(artefact.kind === 'text' && artefact.text, overSsh.kind === 'text' && overSsh.text);
  });

  it('answers a pager over TELNET and still stores exactly the expected config', async () => {
    const { artefact } = await collectOverTelnet(ciscoIosPlugin, ios, { fault: 'pager', timeouts: short });

    assert.equal(artefact.kind === 'text' && artefact.text, ios.expectedOutput);
  });

  it('reports auth_failed when the device answers a wrong password by asking again', async () => {
    const collecting = collectOverTelnet(ciscoIosPlugin, ios, { password: 'wrong', timeouts: short });

    await rejectsWithCode(collecting, 'auth_failed');
  });

  it('reports auth_failed when the device hangs up after a wrong password', async () => {
    const collecting = collectOverTelnet(ciscoIosPlugin, ios, {
      password: 'wrong',
      timeouts: short,
      server: { maxAttempts: 1 },
    });

    await rejectsWithCode(collecting, 'auth_failed');
  });

  it('reports timeout when the device accepts the connection and never says anything', async () => {
    const collecting = collectOverTelnet(ciscoIosPlugin, ios, { fault: 'silent', timeouts: short });

    await rejectsWithCode(collecting, 'timeout');
  });

  it('reports connection_refused when nothing listens', async () => {
    const collecting = collectOverTelnet(ciscoIosPlugin, ios, { fault: 'refuse', timeouts: short });

    await rejectsWithCode(collecting, 'connection_refused');
  });

  it('reports dns_failed for a name that does not resolve', async () => {
    const ctx = buildContext(23, { timeouts: short, options: { transport: 'telnet' } });
    ctx.target.host = 'no-such-device.invalid';

    await rejectsWithCode(ciscoIosPlugin.collect(ctx), 'dns_failed');
  });

  it('reports prompt_not_found after the login when the device never shows a prompt', async () => {
    const collecting = collectOverTelnet(ciscoIosPlugin, ios, { fault: 'hang_after_auth', timeouts: short });

    await rejectsWithCode(collecting, 'prompt_not_found');
  });

  it('reports connection_dropped when the device hangs up in the middle of the config', async () => {
    const collecting = collectOverTelnet(ciscoIosPlugin, ios, { fault: 'drop_mid_output', timeouts: short });

    await rejectsWithCode(collecting, 'connection_dropped');
  });

  it('reports output_too_large when output never ends', async () => {
    const collecting = (async () => {
      const server = await startTelnetReplayServer(ios, { ...credentials, fault: 'flood' });
      try {
        const ctx = buildContext(22, {
          // Generous: the cap is what's tested, and a loaded machine must not turn it into a timeout.
          timeouts: { connectMs: 30_000, idleMs: 30_000, overallMs: 120_000 },
          maxTextBytes: 256 * 1024,
          options: { transport: 'telnet', telnet_port: String(server.port) },
        });
        return await ciscoIosPlugin.collect(ctx);
      } finally {
        await server.close();
      }
    })();

    await rejectsWithCode(collecting, 'output_too_large');
  });

  it('reports aborted when the caller cancels during the login', async () => {
    const server = await startTelnetReplayServer(ios, { ...credentials, fault: 'silent' });
    try {
      const cancelled = new AbortController();
      const ctx = {
        ...buildContext(22, {
          timeouts: { ...short, idleMs: 30_000 },
          options: { transport: 'telnet', telnet_port: String(server.port) },
        }),
        signal: cancelled.signal,
      };
      setTimeout(() => cancelled.abort(), 100);

      await rejectsWithCode(ciscoIosPlugin.collect(ctx), 'aborted');
    } finally {
      await server.close();
    }
  });

  it('reports target_denied when the network policy forbids the address, without connecting', async () => {
    const server = await startTelnetReplayServer(ios, credentials);
    try {
      const ctx = buildContext(22, {
        timeouts: short,
        options: { transport: 'telnet', telnet_port: String(server.port) },
      });
      ctx.networkPolicy = { allow: [], deny: ['127.0.0.0/8'] };

      await rejectsWithCode(ciscoIosPlugin.collect(ctx), 'target_denied');
      assert.deepEqual(server.negotiated, {});
    } finally {
      await server.close();
    }
  });

  it('refuses a transport option it does not know', async () => {
    const ctx = buildContext(22, { options: { transport: 'rlogin' } });

    await rejectsWithCode(ciscoIosPlugin.collect(ctx), 'invalid_options');
  });
});

describe('TELNET framing', () => {
  function decodeAll(chunks: number[][]) {
    const data: number[] = [];
    const commands: [TelnetVerb, number][] = [];
    const subs: [number, number[]][] = [];
    const decode = createTelnetDecoder({
      data: (bytes) => data.push(...bytes),
      command: (verb, option) => commands.push([verb, option]),
      subnegotiation: (option, payload) => subs.push([option, [...payload]]),
    });
    for (const chunk of chunks) decode(Buffer.from(chunk));
    return { data, commands, subs };
  }

  it('keeps data, commands and subnegotiations apart even when a chunk ends inside a command', () => {
    const decoded = decodeAll([[65, 255], [251, 1, 66, 255, 250, 24], [1, 255, 255, 255, 240, 67, 255], [255]]);

    assert.deepEqual(decoded.data, [65, 66, 67, 255]);
    assert.deepEqual(decoded.commands, [['WILL', 1]]);
    assert.deepEqual(decoded.subs, [[24, [1, 255]]]);
  });

  it('turns CR NUL back into a bare CR, even across chunks, and leaves CR LF alone', () => {
    const decoded = decodeAll([
      [97, 13],
      [0, 98, 13, 10, 99],
    ]);

    assert.deepEqual(decoded.data, [97, 13, 98, 13, 10, 99]);
  });

  it('doubles 0xFF and sends a bare CR as CR NUL; a typed LF goes out as CR LF', () => {
    const typed = encodeTelnetData(Buffer.from([0x73, 0xff, 0x0d, 0x61, 0x0a, 0x0d, 0x0a]), { crlf: true });
    const answer = encodeTelnetData(Buffer.from([0x0a, 0x0d]), { crlf: false });

    assert.deepEqual([...typed], [0x73, 0xff, 0xff, 0x0d, 0x00, 0x61, 0x0d, 0x0a, 0x0d, 0x0a]);
    assert.deepEqual([...answer], [0x0a, 0x0d, 0x00]);
  });

  it('round-trips every byte value through the encoder and decoder', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

    const decoded = decodeAll([[...encodeTelnetData(all, { crlf: false })]]);

    assert.deepEqual(decoded.data, [...all]);
  });
});

/**
 * Every recorded interactive session, collected over TELNET, stores the recording's expected output: the
 * login and the option negotiation change nothing. The replay device asks with a common prompt text that
 * the OS's TELNET login prompts accept. Exec-only recordings (no shell to log in to), plugins that copy
 * files over SCP (an SSH-only step) and sessions whose device asks for the user name inside the SSH shell
 * (AireOS: over TELNET that question is the TELNET login itself, which the replay server asks separately) are
 * left out.
 */
describe('every recorded shell session over TELNET', async () => {
  const usernameTexts = [
    'Username: ',
    'login: ',
    'Login: ',
    'Username:',
    'User: ',
    'User Name:',
    'switch login: ',
    'login : ',
    '>>User name:',
  ];
  const passwordTexts = ['Password: ', 'Password:', 'password: ', 'password : ', '>>User password:'];
  for (const simulation of await findSimulations(fixturesRoot)) {
    const recording = await loadRecording(simulation);
    const plugin = findPlugin(pluginKeyByOxidizedModel[recording.os] ?? '');
    if (!plugin || !isShellPlugin(plugin) || recording.initPrompt === null || recording.expectedOutput === null)
      continue;
    if (plugin.definition.files?.length) continue;
    const prompts = telnetLoginPromptsFor(plugin.definition);
    const usernamePrompt = usernameTexts.find((text) => prompts.username.test(text));
    const passwordPrompt = passwordTexts.find((text) => prompts.password.test(text));
    const initLines = recording.initPrompt.toString('utf8').split('\n');
    if (prompts.username.test(initLines[initLines.length - 1] ?? '')) continue;
    for (const run of recording.runs) {
      const exec = plugin.definition.transport === 'ssh-exec' && run.options.ssh_no_exec !== 'true';
      if (exec) continue;
      const expected = recording.expectedOutput;
      it(`${recording.name}${run.name === null ? '' : ` (${run.name})`} through ${plugin.key}`, async () => {
        const { artefact } = await collectOverTelnet(plugin, recording, {
          password: run.password ?? undefined,
          options: run.options,
          server: { usernamePrompt, passwordPrompt, password: run.password ?? credentials.password },
        });

        assert.equal(artefact.kind === 'text' && artefact.text, expected);
      });
    }
  }
});
