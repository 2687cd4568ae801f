/**
 * A piscina worker for progress tests: the real worker, plus `test_chatty`, a plugin that sends numbered
 * progress lines and returns at once after the last, the moment lines are most likely to be in transit.
 */
import type { BackupPlugin } from '@devicevault/plugins/contract';
import type { CollectOutcome, CollectTask } from '../../src/jobs/collect-task.js';
import collect, { collectWith } from '../../src/jobs/worker.js';

export const chattyLines = 20;

const chatty = {
  key: 'test_chatty',
  friendlyName: 'test_chatty',
  description: 'progress test: sends numbered lines, then returns',
  isBinary: false,
  transport: 'none',
  options: [],
  async collect(ctx) {
    for (let i = 1; i <= chattyLines; i++) ctx.progress({ message: `line ${i}` });
    return { kind: 'text', text: 'chatty\n' };
  },
} satisfies BackupPlugin;

export default async function chattyCollect(task: CollectTask): Promise<CollectOutcome> {
  return task.pluginKey === chatty.key ? collectWith(chatty, task) : collect(task);
}
