/**
 * Oxidized's deprecated `supermicro` model is its `edgecos` model under another name (`Supermicro = EdgeCOS`),
 * so nodes that still name it get exactly `edgecore_edgecos`'s commands, cleanup and options.
 */
import { defineShellPlugin } from '../runtime/shell-plugin.js';
import { edgecoreEdgecosPlugin } from './edgecore-edgecos.js';

export const supermicroSwitchPlugin = defineShellPlugin({
  ...edgecoreEdgecosPlugin.definition,
  key: 'supermicro_switch',
  oxidizedModel: 'supermicro',
  friendlyName: 'Supermicro switch (Oxidized supermicro = edgecos)',
  description: 'The same collection as edgecore_edgecos, for nodes whose Oxidized model is supermicro.',
});
