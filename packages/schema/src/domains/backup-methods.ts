import { type PluginSummary, pluginCatalog } from '@devicevault/plugins/catalog';
import { builder } from '../builder.js';

const PluginOptionType = builder.objectRef<PluginSummary['options'][number]>('BackupMethodOption').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    description: t.exposeString('description'),
    required: t.exposeBoolean('required'),
  }),
});

export const BackupMethodType = builder.objectRef<PluginSummary>('BackupMethod').implement({
  description: 'A collection plugin: how DeviceVault talks to one kind of device.',
  fields: (t) => ({
    key: t.exposeString('key'),
    friendlyName: t.exposeString('friendlyName'),
    description: t.exposeString('description'),
    isBinary: t.exposeBoolean('isBinary'),
    transport: t.exposeString('transport'),
    options: t.field({ type: [PluginOptionType], resolve: (plugin) => [...plugin.options] }),
  }),
});

builder.queryField('backupMethods', (t) => t.field({ type: [BackupMethodType], resolve: () => [...pluginCatalog] }));
