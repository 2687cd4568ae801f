/**
 * Bulk device import from CSV. Every row is validated first (nothing is written for a dry run); then the
 * valid rows go in with multi-row INSERTs in one transaction, so they land all together or not at all.
 */
import { findPluginSummary } from '@devicevault/plugins/catalog';
import { inArray } from 'drizzle-orm';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { type CsvRecord, parseCsv } from '../csv.js';
import { collectionGroups, credentials, deviceGroups, devices } from '../db/tables.js';
import { ErrorInterface, ValidationFailure } from '../errors.js';
import { canOperateGroup, canUseCredential } from '../policy.js';
import { resultUnion } from '../results.js';
import { checkHost, checkName, checkPort } from '../validation.js';

const columns = [
  'name',
  'host',
  'port',
  'pluginKey',
  'credential',
  'deviceGroup',
  'collectionGroup',
  'enabled',
] as const;
type Column = (typeof columns)[number];
const requiredColumns: Column[] = ['name', 'host', 'pluginKey'];
const maxRows = 50_000;
const maxBytes = 20 * 1024 * 1024;
const insertChunkRows = 1000;

type NewDevice = typeof devices.$inferInsert;
interface RowError {
  line: number;
  field: string;
  message: string;
}
interface ImportOutcome {
  dryRun: boolean;
  createdCount: number;
  invalidRowCount: number;
  rowErrors: RowError[];
}

/** Rows were invalid and `skipInvalidRows` was false, so nothing was written. */
export class CsvRowsInvalid {
  constructor(
    readonly message: string,
    readonly rowErrors: RowError[],
  ) {}
}

const CsvRowErrorType = builder.objectRef<RowError>('CsvRowError').implement({
  description: 'One problem in one CSV row: `line` is where the record starts (the header is line 1).',
  fields: (t) => ({
    line: t.exposeInt('line'),
    field: t.exposeString('field', { description: 'The column, or "row" for a malformed record.' }),
    message: t.exposeString('message'),
  }),
});

const CsvRowsInvalidErrorType = builder.objectType(CsvRowsInvalid, {
  name: 'CsvRowsInvalidError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ rowErrors: t.field({ type: [CsvRowErrorType], resolve: (error) => error.rowErrors }) }),
});

const ImportDevicesCsvSuccess = builder.objectRef<ImportOutcome>('ImportDevicesCsvSuccess').implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun'),
    createdCount: t.exposeInt('createdCount', { description: 'Devices created (for a dry run: that would be).' }),
    invalidRowCount: t.exposeInt('invalidRowCount'),
    rowErrors: t.field({ type: [CsvRowErrorType], resolve: (outcome) => outcome.rowErrors }),
  }),
});

const ImportDevicesCsvInput = builder.inputType('ImportDevicesCsvInput', {
  fields: (t) => ({
    csv: t.string({
      required: true,
      description:
        'A header line, then one device per line. Columns: name, host, pluginKey (required), port, ' +
        'credential (a credential name), deviceGroup, collectionGroup (group names), enabled (true/false). ' +
        'RFC 4180 quoting.',
    }),
    dryRun: t.boolean({ required: false, defaultValue: false, description: 'Validate and report; write nothing.' }),
    skipInvalidRows: t.boolean({
      required: false,
      defaultValue: true,
      description:
        'True (default): create every valid row and report the invalid ones. False: any invalid row means ' +
        'nothing is created (CsvRowsInvalidError).',
    }),
  }),
});

builder.mutationField('importDevicesCsv', (t) =>
  t.field({
    authScopes: { operator: true },
    description:
      'Creates devices from CSV. Invalid rows are reported by line and field; the valid rows are created ' +
      'together in one transaction (all of them or, on a database error, none). Operators may import only ' +
      'into device groups they operate.',
    type: resultUnion('ImportDevicesCsvResult', ImportDevicesCsvSuccess, [[CsvRowsInvalid, CsvRowsInvalidErrorType]]),
    args: { input: t.arg({ type: ImportDevicesCsvInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<ImportOutcome | ValidationFailure | CsvRowsInvalid> => {
      if (Buffer.byteLength(input.csv) > maxBytes)
        return new ValidationFailure('csv', `the CSV must be at most ${maxBytes / 1024 / 1024} MiB`);
      const [header, ...records] = parseCsv(input.csv);
      if (!header) return new ValidationFailure('csv', 'the CSV is empty; the first line must name the columns');
      if (records.length > maxRows) return new ValidationFailure('csv', `at most ${maxRows} rows per import`);
      const headerColumns = readHeader(header);
      if (headerColumns instanceof ValidationFailure) return headerColumns;
      const { rows, rowErrors } = await validateRows(ctx, headerColumns, records);
      const invalidRowCount = new Set(rowErrors.map((error) => error.line)).size;
      if (invalidRowCount > 0 && input.skipInvalidRows === false) {
        return new CsvRowsInvalid(`${invalidRowCount} row(s) are invalid; nothing was created`, rowErrors);
      }
      if (input.dryRun) return { dryRun: true, createdCount: rows.length, invalidRowCount, rowErrors };
      const created = await insertAll(ctx, rows);
      // A name taken between validation and insert (a concurrent create) is reported like any other clash.
      for (const row of rows) {
        if (!created.has(row.device.name))
          rowErrors.push({ line: row.line, field: 'name', message: `a device named "${row.device.name}" exists` });
      }
      rowErrors.sort((a, b) => a.line - b.line);
      return {
        dryRun: false,
        createdCount: created.size,
        invalidRowCount: new Set(rowErrors.map((error) => error.line)).size,
        rowErrors,
      };
    },
  }),
);

function readHeader(header: CsvRecord): Column[] | ValidationFailure {
  if ('error' in header) return new ValidationFailure('csv', `line 1: ${header.error}`);
  const byKey = new Map(columns.map((column) => [columnKey(column), column]));
  const seen: Column[] = [];
  for (const raw of header.fields) {
    const column = byKey.get(columnKey(raw));
    if (!column) return new ValidationFailure('csv', `unknown column "${raw}"; columns are ${columns.join(', ')}`);
    if (seen.includes(column)) return new ValidationFailure('csv', `column "${column}" appears twice`);
    seen.push(column);
  }
  const missing = requiredColumns.filter((column) => !seen.includes(column));
  if (missing.length > 0) return new ValidationFailure('csv', `missing column(s): ${missing.join(', ')}`);
  return seen;
}

function columnKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
}

async function validateRows(ctx: Context, header: Column[], records: CsvRecord[]) {
  const [credentialIds, deviceGroupIds, collectionGroupIds] = await Promise.all([
    // Only credentials this importer may attach: an operator's rows can't name a credential of another scope.
    ctx.db
      .select({ id: credentials.id, name: credentials.name, deviceGroupId: credentials.deviceGroupId })
      .from(credentials)
      .then((rows) => rows.filter((row) => canUseCredential(ctx.viewer, row))),
    ctx.db.select({ id: deviceGroups.id, name: deviceGroups.name }).from(deviceGroups),
    ctx.db.select({ id: collectionGroups.id, name: collectionGroups.name }).from(collectionGroups),
  ]).then((lists) => lists.map((list) => new Map(list.map((row) => [row.name, row.id]))));
  const taken = await existingNames(ctx, records, header.indexOf('name'));
  const firstLineOfName = new Map<string, number>();
  const rows: { line: number; device: NewDevice }[] = [];
  const rowErrors: RowError[] = [];

  for (const record of records) {
    const { line } = record;
    const errors: RowError[] = [];
    const fail = (field: string, message: string) => errors.push({ line, field, message });
    if ('error' in record) {
      rowErrors.push({ line, field: 'row', message: record.error });
      continue;
    }
    if (record.fields.length !== header.length) {
      rowErrors.push({
        line,
        field: 'row',
        message: `expected ${header.length} fields, found ${record.fields.length}`,
      });
      continue;
    }
    const value = (column: Column) => {
      const index = header.indexOf(column);
      return index === -1 ? '' : record.fields[index]!.trim();
    };
    const name = value('name');
    const host = value('host');
    const plugin = findPluginSummary(value('pluginKey'));
    const nameProblem = checkName('name', name);
    if (nameProblem) fail('name', nameProblem.message);
    const hostProblem = checkHost('host', host);
    if (hostProblem) fail('host', hostProblem.message);
    if (!nameProblem) {
      if (taken.has(name)) fail('name', `a device named "${name}" already exists`);
      else if (firstLineOfName.has(name))
        fail('name', `"${name}" is already used on line ${firstLineOfName.get(name)}`);
      else firstLineOfName.set(name, line);
    }
    if (!plugin) fail('pluginKey', `unknown plugin key "${value('pluginKey')}"`);
    const required = plugin?.options.find((option) => option.required);
    if (required)
      fail('pluginKey', `plugin "${plugin!.key}" needs option "${required.key}"; create it with createDevice`);
    const portText = value('port');
    const port = portText === '' ? (plugin?.transport === 'tftp' ? 69 : 22) : Number(portText);
    const portProblem = /^\d*$/.test(portText) ? checkPort('port', port) : checkPort('port', Number.NaN);
    if (portProblem) fail('port', portProblem.message);
    const credentialId = lookup('credential', value('credential'), credentialIds!, fail);
    if (plugin && plugin.transport !== 'none' && !value('credential'))
      fail('credential', `plugin "${plugin.key}" needs a credential`);
    const deviceGroupId = lookup('deviceGroup', value('deviceGroup'), deviceGroupIds!, fail);
    if (deviceGroupId !== undefined && !canOperateGroup(ctx.viewer, deviceGroupId))
      fail('deviceGroup', deviceGroupId ? 'you may not add devices to this group' : 'name one of your device groups');
    const collectionGroupId = lookup('collectionGroup', value('collectionGroup'), collectionGroupIds!, fail);
    const enabled = parseBoolean(value('enabled'));
    if (enabled === null) fail('enabled', `"${value('enabled')}" is not true or false`);
    if (errors.length > 0) {
      rowErrors.push(...errors);
      continue;
    }
    rows.push({
      line,
      device: {
        name,
        host,
        port,
        pluginKey: plugin!.key,
        credentialId: credentialId ?? null,
        deviceGroupId: deviceGroupId ?? null,
        collectionGroupId: collectionGroupId ?? null,
        enabled: enabled!,
      },
    });
  }
  return { rows, rowErrors };
}

/** An id for a name; null for an empty cell; undefined (and an error) for an unknown name. */
function lookup(
  field: Column,
  name: string,
  ids: Map<string, string>,
  fail: (field: string, message: string) => void,
): string | null | undefined {
  if (name === '') return null;
  const id = ids.get(name);
  if (id === undefined) fail(field, `no ${field.replace(/([A-Z])/g, ' $1').toLowerCase()} is named "${name}"`);
  return id;
}

function parseBoolean(text: string): boolean | null {
  const lowered = text.toLowerCase();
  if (['', 'true', 'yes', '1', 'y'].includes(lowered)) return true;
  if (['false', 'no', '0', 'n'].includes(lowered)) return false;
  return null;
}

async function existingNames(ctx: Context, records: CsvRecord[], nameIndex: number): Promise<Set<string>> {
  const names = [
    ...new Set(records.flatMap((record) => ('fields' in record ? [record.fields[nameIndex]?.trim() ?? ''] : []))),
  ].filter((name) => name !== '');
  const taken = new Set<string>();
  for (let start = 0; start < names.length; start += 5000) {
    const chunk = names.slice(start, start + 5000);
    const rows = await ctx.db.select({ name: devices.name }).from(devices).where(inArray(devices.name, chunk));
    for (const row of rows) taken.add(row.name);
  }
  return taken;
}

/** Multi-row INSERTs in one transaction (always `tx` inside it: PGlite has a single connection). */
async function insertAll(ctx: Context, rows: { device: NewDevice }[]): Promise<Set<string>> {
  const created = new Set<string>();
  if (rows.length === 0) return created;
  await ctx.db.transaction(async (tx) => {
    for (let start = 0; start < rows.length; start += insertChunkRows) {
      const inserted = await tx
        .insert(devices)
        .values(rows.slice(start, start + insertChunkRows).map((row) => row.device))
        .onConflictDoNothing({ target: devices.name })
        .returning({ name: devices.name });
      for (const row of inserted) created.add(row.name);
    }
  });
  return created;
}
