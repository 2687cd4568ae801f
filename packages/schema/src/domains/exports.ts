/**
 * `configsExportUrl`: the signed URL of a snapshot zip (`GET /exports/configs.zip`, apps/server
 * http/exports.ts): each readable device's latest text version as of an instant, as `configs/<device>.cfg`.
 * Access is checked again when the URL is fetched (the user still exists and reads those devices).
 */
import { builder } from '../builder.js';
import { isUuid } from '../errors.js';
import { canReadDevice, requireViewer } from '../policy.js';

builder.queryField('configsExportUrl', (t) =>
  t.string({
    nullable: true,
    description:
      'A short-lived signed URL of a zip of the latest text version of each device you may read, as of `asOf` ' +
      '(default now), in the layout Batfish reads (`configs/<device>.cfg`); limited to one device group when ' +
      'given (null when you may not read that group). Configs are the stored, masked versions.',
    args: {
      asOf: t.arg({ type: 'DateTime', required: false }),
      deviceGroupId: t.arg.id({ required: false }),
    },
    resolve: (_root, args, ctx) => {
      const viewer = requireViewer(ctx.viewer);
      const deviceGroupId = args.deviceGroupId ? String(args.deviceGroupId) : null;
      if (deviceGroupId && (!isUuid(deviceGroupId) || !canReadDevice(viewer, { deviceGroupId }))) return null;
      return ctx.exports.configsZipUrl({ asOf: args.asOf ?? new Date(), deviceGroupId }, viewer.userId);
    },
  }),
);
