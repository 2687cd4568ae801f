/**
 * The network policy: entries parse or say why not, names and every resolved address are checked, and a
 * device on a denied network fails with target_denied before a single packet leaves (SSH, SFTP and TFTP),
 * including a name that resolves to a denied address. Listeners on 127.0.0.1 count what reaches them.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import type { CollectContext } from '../src/contract.js';
import {
  defaultNetworkPolicy,
  type NetworkPolicy,
  parsePolicyEntry,
  policyListErrors,
  resolveAllowedAddresses,
} from '../src/transports/network-policy.js';
import { ciscoIosPlugin } from '../src/vendors/cisco-ios.js';
import { sftpFilePlugin } from '../src/vendors/sftp-file.js';
import { tftpFilePlugin } from '../src/vendors/tftp-file.js';
import { rejectsWithCode } from './support/collect-context.js';
import { buildContext } from './support/replay-collect.js';

const denyLoopback: NetworkPolicy = { allow: [], deny: ['127.0.0.0/8', '::1'] };

function fixedResolver(addresses: string[]) {
  return async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
}

describe('network policy entries', () => {
  it('parses CIDRs, single addresses and host names, and explains what it cannot parse', () => {
    assert.deepEqual(parsePolicyEntry('10.0.0.0/8'), {
      kind: 'network',
      address: '10.0.0.0',
      prefix: 8,
      family: 'ipv4',
    });
    assert.deepEqual(parsePolicyEntry('fd00:ec2::254'), {
      kind: 'network',
      address: 'fd00:ec2::254',
      prefix: 128,
      family: 'ipv6',
    });
    assert.deepEqual(parsePolicyEntry('*.Example.NET.'), { kind: 'name', name: 'example.net', subdomains: true });
    assert.deepEqual(policyListErrors(['10.0.0.0/33', '10.0.0/8', 'not a name', '::1/129', '', '192.168.1.0/24']), [
      '"10.0.0.0/33" has an invalid prefix length (0–32 for IPv4)',
      '"10.0.0/8" is not a valid CIDR',
      '"not a name" is neither a CIDR, an IP address nor a host name',
      '"::1/129" has an invalid prefix length (0–128 for IPv6)',
      'an entry is empty',
    ]);
  });

  it('accepts the default policy', () => {
    assert.deepEqual(policyListErrors(defaultNetworkPolicy.deny), []);
  });
});

describe('checking a target against the policy', () => {
  it('denies link-local and cloud metadata addresses and names by default, and allows loopback', async () => {
    for (const host of ['169.254.169.254', 'fe80::1', 'fd00:ec2::254', '100.100.100.200', '::ffff:169.254.169.254']) {
      await rejectsWithCode(resolveAllowedAddresses(host), 'target_denied');
    }
    // Denied by name: no DNS query is made (the resolver would fail the test).
    for (const host of ['metadata.google.internal', 'METADATA.google.internal.', 'metadata']) {
      await rejectsWithCode(
        resolveAllowedAddresses(host, defaultNetworkPolicy, () => assert.fail('resolved a denied name')),
        'target_denied',
      );
    }
    assert.deepEqual(await resolveAllowedAddresses('127.0.0.1'), [{ address: '127.0.0.1', family: 4 }]);
  });

  it('denies a name when any address it resolves to is denied', async () => {
    const resolver = fixedResolver(['192.0.2.10', '169.254.169.254']);

    await rejectsWithCode(
      resolveAllowedAddresses('rebinding.example', defaultNetworkPolicy, resolver),
      'target_denied',
    );
  });

  it('denies "this host" addresses whatever the lists say', async () => {
    await rejectsWithCode(resolveAllowedAddresses('0.0.0.0', { allow: ['0.0.0.0/0'], deny: [] }), 'target_denied');
  });

  it('allows only the allow list when there is one, by network or by name, and deny wins over allow', async () => {
    const policy: NetworkPolicy = { allow: ['10.0.0.0/8', '*.lab.example'], deny: ['10.9.0.0/16'] };

    assert.equal((await resolveAllowedAddresses('10.1.2.3', policy))[0]?.address, '10.1.2.3');
    assert.equal(
      (await resolveAllowedAddresses('sw1.lab.example', policy, fixedResolver(['192.0.2.7'])))[0]?.address,
      '192.0.2.7',
    );
    await rejectsWithCode(resolveAllowedAddresses('192.0.2.7', policy), 'target_denied');
    await rejectsWithCode(resolveAllowedAddresses('10.9.1.1', policy), 'target_denied');
    await rejectsWithCode(
      resolveAllowedAddresses('sw2.lab.example', policy, fixedResolver(['10.9.0.5'])),
      'target_denied',
    );
  });

  it('reports a name that does not resolve as dns_failed', async () => {
    await rejectsWithCode(resolveAllowedAddresses('no-such-host.invalid'), 'dns_failed');
  });
});

/** A TCP listener on 127.0.0.1 that counts connections. */
async function countingTcpListener() {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    /** Connects once more itself and waits for that: anything the job sent would have arrived before it. */
    async connectionsBeforeProbe(): Promise<number> {
      const seen = connections;
      const probe = connect(port, '127.0.0.1');
      probe.on('error', () => {});
      while (connections === seen) await new Promise((resolve) => setTimeout(resolve, 10));
      probe.destroy();
      return seen;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function contextFor(host: string, port: number, policy: NetworkPolicy, options: Record<string, string> = {}) {
  const ctx = buildContext(port, { timeouts: { connectMs: 10_000, idleMs: 10_000, overallMs: 30_000 } });
  return { ...ctx, target: { ...ctx.target, host, options }, networkPolicy: policy } satisfies CollectContext;
}

describe('devices on denied networks', () => {
  for (const host of ['127.0.0.1', 'localhost']) {
    it(`fails SSH and SFTP to ${host} with target_denied without connecting`, async () => {
      const listener = await countingTcpListener();
      try {
        await rejectsWithCode(ciscoIosPlugin.collect(contextFor(host, listener.port, denyLoopback)), 'target_denied');
        await rejectsWithCode(
          sftpFilePlugin.collect(contextFor(host, listener.port, denyLoopback, { path: '/flash/config.bin' })),
          'target_denied',
        );

        assert.equal(await listener.connectionsBeforeProbe(), 0);
      } finally {
        await listener.close();
      }
    });

    it(`fails TFTP to ${host} with target_denied without sending a datagram`, async () => {
      const listener = createSocket('udp4');
      const received: string[] = [];
      listener.on('message', (message) => received.push(message.toString('latin1')));
      listener.bind(0, '127.0.0.1');
      await once(listener, 'listening');
      const { port } = listener.address();
      try {
        await rejectsWithCode(
          tftpFilePlugin.collect(contextFor(host, port, denyLoopback, { path: 'startup-config' })),
          'target_denied',
        );

        // Our own probe arrives after anything the job could have sent.
        const probe = createSocket('udp4');
        probe.send('probe', port, '127.0.0.1', () => probe.close());
        while (!received.includes('probe')) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.deepEqual(received, ['probe']);
      } finally {
        listener.close();
      }
    });
  }

  it('still reaches loopback under the default policy (the demo fleet)', async () => {
    const listener = await countingTcpListener();
    try {
      await ciscoIosPlugin.collect(contextFor('127.0.0.1', listener.port, defaultNetworkPolicy)).catch(() => {});

      assert.equal(await listener.connectionsBeforeProbe(), 1);
    } finally {
      await listener.close();
    }
  });
});
