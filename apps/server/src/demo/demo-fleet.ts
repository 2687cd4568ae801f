/**
 * The demo fleet: loopback SSH servers replaying recorded device sessions, seeded once as devices in a
 * scheduled collection group, so a newcomer watches real SSH backups happen. Ports change on every start,
 * so each start re-points the demo devices; the host key is kept in the data dir so pinning holds.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPlugin } from '@devicevault/plugins/registry';
import { loadRecording } from '@devicevault/plugins/replay/load-recording';
import { type ReplayServer, startReplayServer } from '@devicevault/plugins/replay/replay-server';
import type { JobQueuePort } from '@devicevault/schema/context';
import type { Database } from '@devicevault/schema/db/database';
import { collectionGroups, credentials, devices, settings } from '@devicevault/schema/db/tables';
import { eq, inArray } from 'drizzle-orm';
import ssh2 from 'ssh2';
import type { Logger } from '../log.js';
import type { SecretBox } from '../secrets/secret-box.js';

const fixtures = fileURLToPath(new URL('../../../../packages/plugins/fixtures/device-sessions/', import.meta.url));
const demoLogin = { username: 'demo', password: 'demo-password' };

/** Recordings shown in the demo, by Oxidized folder → our plugin key; missing plugins are skipped. */
const demoRecordings = [
  { name: 'demo-core-sw1', plugin: 'cisco_ios', file: 'ios/C9200L-24P-4G_17.09.04a.simulation.yaml' },
  { name: 'demo-dc-nexus1', plugin: 'cisco_nxos', file: 'nxos/N5548_7.3.13.simulation.yaml' },
  { name: 'demo-edge-srx1', plugin: 'juniper_junos', file: 'junos/srx300_22.4_wo_cluster.simulation.yaml' },
  { name: 'demo-branch-mt1', plugin: 'mikrotik_routeros', file: 'routeros/CHR_7.10.1.simulation.yaml' },
  { name: 'demo-fw1', plugin: 'fortinet_fortigate', file: 'fortigate/FortiGate-91G_7.4.7.simulation.yaml' },
  { name: 'demo-access-cx1', plugin: 'aruba_aoscx', file: 'aoscx/6100-48G_PL.10.10.1090.simulation.yaml' },
  { name: 'demo-dc-leaf1', plugin: 'arista_eos', file: 'eos/DCS-7050SX3-48YC8_4.29.2F.simulation.yaml' },
  { name: 'demo-asa1', plugin: 'cisco_asa', file: 'asa/5512_9.12-4-67_single-context.simulation.yaml' },
] as const;

export interface DemoFleet {
  stop(): Promise<void>;
}

export async function startDemoFleet(deps: {
  db: Database;
  secrets: SecretBox;
  dataDir: string;
  log: Logger;
  enqueue: JobQueuePort['enqueue'];
}): Promise<DemoFleet> {
  const { db } = deps;
  const hostKey = await demoHostKey(deps.dataDir);
  const servers: ReplayServer[] = [];
  const ports = new Map<string, number>();
  for (const entry of demoRecordings) {
    if (!findPlugin(entry.plugin)) continue;
    const recording = await loadRecording(join(fixtures, entry.file));
    const server = await startReplayServer(recording, { ...demoLogin, hostKey });
    servers.push(server);
    ports.set(entry.name, server.port);
  }

  const [seeded] = await db.select().from(settings).where(eq(settings.key, 'demo.seeded'));
  if (!seeded) await seed(db, deps.secrets, ports);
  for (const [name, port] of ports) await db.update(devices).set({ port }).where(eq(devices.name, name));

  const names = [...ports.keys(), 'demo-firmware-image'];
  const demoDevices = await db.select({ id: devices.id }).from(devices).where(inArray(devices.name, names));
  await deps.enqueue({
    deviceIds: demoDevices.map((device) => device.id),
    trigger: 'demo',
    requestedBy: { userId: null, label: 'demo fleet' },
  });
  deps.log.info('demo fleet running', { devices: names.length, source: basename(dirname(fixtures)) });
  return {
    async stop() {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

async function seed(db: Database, secrets: SecretBox, ports: Map<string, number>) {
  await db.transaction(async (tx) => {
    const [credential] = await tx
      .insert(credentials)
      .values({
        name: 'demo-login',
        username: demoLogin.username,
        secretCiphertext: secrets.encrypt(demoLogin.password),
      })
      .returning();
    const [group] = await tx
      .insert(collectionGroups)
      .values({ name: 'Demo fleet (every 5 minutes)', schedule: '*/5 * * * *', timeoutSeconds: 60 })
      .returning();
    const rows: (typeof devices.$inferInsert)[] = demoRecordings
      .filter((entry) => ports.has(entry.name))
      .map((entry) => ({
        name: entry.name,
        host: '127.0.0.1',
        port: ports.get(entry.name)!,
        pluginKey: entry.plugin,
        credentialId: credential!.id,
        collectionGroupId: group!.id,
      }));
    rows.push({
      name: 'demo-firmware-image',
      host: '127.0.0.1',
      port: 22,
      pluginKey: 'binary_dummy',
      credentialId: credential!.id,
      collectionGroupId: group!.id,
    });
    await tx.insert(devices).values(rows);
    await tx.insert(settings).values({ key: 'demo.seeded', value: { at: new Date().toISOString() } });
  });
}

async function demoHostKey(dataDir: string): Promise<string> {
  const file = join(dataDir, 'demo-host-key');
  try {
    return await readFile(file, 'utf8');
  } catch {
    const key = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).private;
    await writeFile(file, key, { mode: 0o600 });
    return key;
  }
}
