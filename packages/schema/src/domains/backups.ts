import { and, eq } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import { type BackupRow, backups, type DeviceRow, devices } from '../db/tables.js';
import { ErrorInterface, isUuid } from '../errors.js';
import { newestFirstConnection } from '../pagination.js';
import { canReadDevice } from '../policy.js';
import { DeviceType, loadLatestPerDevice } from './devices.js';

export const BackupType = builder.objectRef<BackupRow>('Backup');

class BinaryContent {
  readonly message = 'This backup is binary; use downloadUrl to fetch it.';
}

const BinaryContentErrorType = builder.objectType(BinaryContent, {
  name: 'BinaryContentError',
  interfaces: [ErrorInterface],
  description: 'Binary versions have no text; download them instead.',
  fields: () => ({}),
});

const BackupTextType = builder.objectRef<{ text: string }>('BackupText').implement({
  fields: (t) => ({ text: t.exposeString('text') }),
});

const BackupTextResult = builder.unionType('BackupTextResult', {
  types: [BackupTextType, BinaryContentErrorType],
  resolveType: (value) => (value instanceof BinaryContent ? BinaryContentErrorType : BackupTextType),
});

BackupType.implement({
  description: 'One collected version of a device configuration or binary artefact.',
  fields: (t) => ({
    id: t.exposeID('id'),
    isBinary: t.exposeBoolean('isBinary'),
    sha256: t.exposeString('sha256'),
    size: t.exposeFloat('size', { description: 'Bytes.' }),
    changed: t.exposeBoolean('changed', { description: 'True when the content differs from the previous version.' }),
    changedBy: t.exposeString('changedBy', {
      nullable: true,
      description:
        'Who changed the device, from the syslog message or webhook that triggered this backup; null otherwise.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    storageKind: t.exposeString('storageKind'),
    significantSha256: t.exposeString('significantSha256', {
      nullable: true,
      description: "sha256 of the plugin's significant-changes view, when it defines one.",
    }),
    textContent: t.field({
      type: BackupTextResult,
      description: 'The text of a text version, or BinaryContentError for a binary one (a typed `content`).',
      resolve: async (backup, _args, ctx) => {
        if (backup.isBinary) return new BinaryContent();
        const text = await ctx.backupContent.readText(backup);
        await ctx.audit.record({
          action: 'backup.content.view',
          outcome: 'success',
          targetType: 'backup',
          targetId: backup.id,
        });
        return { text };
      },
    }),
    content: t.string({
      nullable: true,
      description: 'The text of a text backup. Binary backups have no content here: download them instead.',
      resolve: async (backup, _args, ctx) => {
        if (backup.isBinary) {
          throw new GraphQLError('This backup is binary; use downloadUrl to fetch it.', {
            extensions: { code: 'BINARY_CONTENT' },
          });
        }
        const content = await ctx.backupContent.readText(backup);
        await ctx.audit.record({
          action: 'backup.content.view',
          outcome: 'success',
          targetType: 'backup',
          targetId: backup.id,
        });
        return content;
      },
    }),
    downloadUrl: t.string({
      nullable: true,
      description: 'A short-lived signed URL that streams the stored bytes.',
      resolve: (backup, _args, ctx) => ctx.downloads.urlFor(backup, ctx.viewer?.userId ?? null),
    }),
    device: t.field({
      type: DeviceType,
      resolve: async (backup, _args, ctx) => {
        const [device] = await ctx.db.select().from(devices).where(eq(devices.id, backup.deviceId));
        return device!;
      },
    }),
  }),
});

builder.objectField(DeviceType, 'lastBackup', (t) =>
  t.loadable({
    type: BackupType,
    nullable: true,
    load: loadLatestPerDevice<BackupRow>(backups),
    resolve: (device: DeviceRow) => device.id,
  }),
);

builder.objectField(DeviceType, 'backups', (t) =>
  t.connection({
    type: BackupType,
    description: "This device's versions, newest first (each says whether it changed, and its size).",
    args: {
      changedOnly: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: 'Only versions that differ from the one before (leave out checked-unchanged ones).',
      }),
    },
    resolve: (device, args, ctx) =>
      newestFirstConnection(args, backups, (page) =>
        ctx.db
          .select()
          .from(backups)
          .where(
            and(eq(backups.deviceId, device.id), args.changedOnly ? eq(backups.changed, true) : undefined, page.where),
          )
          .orderBy(...page.orderBy)
          .limit(page.limit),
      ),
  }),
);

builder.queryField('backup', (t) =>
  t.field({
    type: BackupType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      if (!isUuid(id)) return null;
      const [row] = await ctx.db
        .select({ backup: backups, device: devices })
        .from(backups)
        .innerJoin(devices, eq(devices.id, backups.deviceId))
        .where(eq(backups.id, id));
      return row && canReadDevice(ctx.viewer, row.device) ? row.backup : null;
    },
  }),
);
