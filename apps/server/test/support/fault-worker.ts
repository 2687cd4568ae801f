/**
 * The piscina worker for fault tests: the real worker (`collectWith`, the same classification and spool
 * handling), plus plugins that misbehave on purpose. They live here rather than in the production registry;
 * tests point `createCollectPool` at this file with its `filename` option. Every other key goes to the real
 * worker unchanged, so a normal job on the same pool runs production code.
 */
import { writeFile } from 'node:fs/promises';
import type { BackupPlugin, CollectContext } from '@devicevault/plugins/contract';
import { newSpoolPath } from '@devicevault/plugins/runtime/spool';
import type { CollectOutcome, CollectTask } from '../../src/jobs/collect-task.js';
import collect, { collectWith } from '../../src/jobs/worker.js';

function testPlugin(
  key: string,
  run: (ctx: CollectContext) => Promise<never> | Promise<{ kind: 'text'; text: string }>,
) {
  return {
    key,
    friendlyName: key,
    description: `fault test: ${key}`,
    isBinary: false,
    transport: 'none',
    options: [],
    collect: run,
  } satisfies BackupPlugin;
}

/** Half a download, as a plugin that dies mid-transfer would leave it. */
async function writePartialSpoolFile(ctx: CollectContext): Promise<void> {
  await writeFile(newSpoolPath(ctx.spoolDir), Buffer.alloc(64 * 1024, 1));
}

const faultPlugins = new Map<string, BackupPlugin>(
  [
    testPlugin('test_throws', async (ctx) => {
      await writePartialSpoolFile(ctx);
      throw new TypeError("Cannot read properties of undefined (reading 'split')");
    }),
    testPlugin('test_exits', async (ctx) => {
      await writePartialSpoolFile(ctx);
      // Ends this worker thread only, as a native crash or a stray process.exit in a dependency would.
      process.exit(3);
    }),
    testPlugin('test_hangs', async (ctx) => {
      await writePartialSpoolFile(ctx);
      // Ignores ctx.signal on purpose: only the pool's hard stop can end this job.
      return new Promise<never>(() => {});
    }),
    testPlugin('test_floods', async (ctx) => ({ kind: 'text', text: 'x'.repeat(ctx.maxTextBytes + 1) })),
  ].map((plugin) => [plugin.key, plugin]),
);

export default async function faultyCollect(task: CollectTask): Promise<CollectOutcome> {
  const plugin = faultPlugins.get(task.pluginKey);
  return plugin ? collectWith(plugin, task) : collect(task);
}
