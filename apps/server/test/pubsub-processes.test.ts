/**
 * The pubsub across server processes on one PostgreSQL database: a process delivers its own events at once
 * and exactly once (it ignores them when NOTIFY brings them back), the other process gets them through
 * NOTIFY, and the database triggers' notifications (no publishing process) reach both. PostgreSQL only: on
 * PGlite there is one process.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobProgressEvent } from '@devicevault/schema/pubsub';
import { type OpenDatabase, openDatabase } from '../src/db/open-database.js';
import { createDeviceVaultPubSub } from '../src/pubsub.js';
import { freshDatabaseUrl } from './support/test-database.js';

const patienceMs = 2 * 60_000;

describe('pubsub across processes', { skip: process.env.DATABASE_URL ? false : 'PostgreSQL only' }, () => {
  let fresh: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let dataDir: string;
  const databases: OpenDatabase[] = [];
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    fresh = await freshDatabaseUrl();
    dataDir = await mkdtemp(join(tmpdir(), 'dv-pubsub-'));
  });
  after(async () => {
    for (const close of closers) await close();
    for (const database of databases) await database.close();
    await fresh.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function process() {
    const database = await openDatabase({ url: fresh.url });
    databases.push(database);
    const { pubsub, close } = await createDeviceVaultPubSub(database);
    closers.push(close);
    const seen: JobProgressEvent[] = [];
    const queue = pubsub.subscribe('jobEvents');
    void (async () => {
      for await (const event of queue) seen.push(event);
    })();
    return { pubsub, seen, database };
  }

  it("delivers a process's own event at once and once, and the other's through NOTIFY", async () => {
    const a = await process();
    const b = await process();
    const line = (seq: number): JobProgressEvent => ({
      seq,
      at: new Date().toISOString(),
      status: 'running',
      message: `line ${seq}`,
      jobId: '00000000-0000-4000-8000-000000000001',
      deviceId: '00000000-0000-4000-8000-000000000002',
    });
    a.pubsub.publish('jobEvents', line(1));
    // Delivered before publish returned: no round trip through the database.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      a.seen.map((event) => event.seq),
      [1],
    );
    b.pubsub.publish('jobEvents', line(2));
    for (const deadline = Date.now() + patienceMs; Date.now() < deadline; ) {
      if (a.seen.length >= 2 && b.seen.length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Give a duplicate (our own event coming back through LISTEN) the time to show up.
    a.pubsub.publish('jobEvents', line(3));
    b.pubsub.publish('jobEvents', line(4));
    for (const deadline = Date.now() + patienceMs; Date.now() < deadline; ) {
      if (a.seen.length >= 4 && b.seen.length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(a.seen.map((event) => event.seq).sort(), [1, 2, 3, 4]);
    assert.deepEqual(b.seen.map((event) => event.seq).sort(), [1, 2, 3, 4]);
  });

  it("delivers the database triggers' notifications to every process", async () => {
    const a = await process();
    const b = await process();
    const event = { topic: 'jobEvents', payload: { seq: 9, jobId: 'x', deviceId: 'y', status: 'running' } };
    await a.database.notify('devicevault_events', JSON.stringify(event));
    for (const deadline = Date.now() + patienceMs; Date.now() < deadline; ) {
      if (a.seen.length >= 1 && b.seen.length >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual([a.seen.map((e) => e.seq), b.seen.map((e) => e.seq)], [[9], [9]]);
  });
});
