import type { BackupPlugin } from '../contract.js';

/** Collects an empty text config without touching the network: for wiring checks and demos. */
export const noopPlugin = {
  key: 'noop',
  friendlyName: 'No-op',
  description: 'Stores an empty text configuration without contacting the device. For testing the pipeline.',
  isBinary: false,
  transport: 'none',
  options: [],
  async collect() {
    return { kind: 'text', text: '' };
  },
} satisfies BackupPlugin;
