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
    transport: t.exposeString('transport', { description: 'The transport used by default.' }),
    transports: t.stringList({
      description: 'Every transport the plugin can use, the default first (empty for plugins that reach no device).',
      resolve: (plugin) => [...plugin.transports],
    }),
    oxidizedModel: t.exposeString('oxidizedModel', {
      nullable: true,
      description: 'The Oxidized model whose stored output this plugin reproduces (`ios`, `junos`, …); null if none.',
    }),
    options: t.field({ type: [PluginOptionType], resolve: (plugin) => [...plugin.options] }),
  }),
});

builder.queryField('backupMethods', (t) => t.field({ type: [BackupMethodType], resolve: () => [...pluginCatalog] }));
