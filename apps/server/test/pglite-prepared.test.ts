/**
 * PGlite plans a long statement once it keeps coming back (src/db/pglite-prepared.ts): it is PREPAREd and
 * then sent as EXECUTE with its values as literals, serialized as PGlite's driver would. The answers must be
 * exactly those of the plain statement whatever the values hold (quotes, backslashes, non-ASCII, null,
 * numbers, booleans, dates, objects, bytes, and values PGlite reads per type), in a transaction or not.
 * PGlite only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rowsOf } from '@devicevault/schema/db/database';
import { sql } from 'drizzle-orm';
import type { OpenDatabase } from '../src/db/open-database.js';
import { openTestDatabase } from './support/test-database.js';

// Long enough to be worth planning once (the threshold is 150 characters).
const padding = sql.raw(`/* ${'long statement '.repeat(80)} */`);

describe('long statements planned once on PGlite', { skip: process.env.DATABASE_URL ? 'PGlite only' : false }, () => {
  let database: OpenDatabase;
  let close: () => Promise<void>;

  before(async () => {
    ({ database, close } = await openTestDatabase('dv-prepared-'));
  });
  after(() => close());

  const preparedTexts = async () =>
    rowsOf<{ statement: string }>(
      await database.db.execute(sql`select statement from pg_prepared_statements where name like 'dv_statement_%'`),
    ).map((row) => row.statement);

  it('answers exactly as the plain statement for awkward values, once prepared', async () => {
    const values = [`O'Brien`, 'back\\slash', "two '' quotes", 'Ünïcødé ✓', '', 42, -1.5];
    const echo = (value: string | number | null, n: number) =>
      database.db.execute(
        sql`${padding} select ${value}::text as value, ${n}::int + 1 as next, ${null}::text as nothing`,
      );
    const answers = [];
    for (let round = 0; round < 5; round++)
      for (const [index, value] of values.entries()) answers.push(rowsOf(await echo(value, index))[0]);

    for (let round = 0; round < 5; round++)
      for (const [index, value] of values.entries())
        assert.deepEqual(answers[round * values.length + index], {
          value: String(value),
          next: index + 1,
          nothing: null,
        });
    const prepared = await preparedTexts();
    assert.ok(
      prepared.some((text) => text.includes('as value')),
      'the statement was prepared (the check is not blind)',
    );
  });

  it('prepares inside a transaction that rolls back, and the statement still runs after it', async () => {
    const count = (tag: string) =>
      sql`${padding} select count(*)::int as n from devices where name = ${tag} and host <> ${'rolled back'}`;
    for (let round = 0; round < 4; round++) {
      await database.db
        .transaction(async (tx) => {
          await tx.execute(sql`insert into devices (name, host, plugin_key) values ('inside', '127.0.0.1', 'noop')`);
          assert.equal(rowsOf<{ n: number }>(await tx.execute(count('inside')))[0]?.n, 1);
          tx.rollback();
        })
        .catch((error: Error) => assert.match(error.message, /rollback/i));
    }
    assert.equal(rowsOf<{ n: number }>(await database.db.execute(count('inside')))[0]?.n, 0);
    assert.ok((await preparedTexts()).some((text) => text.includes('host <> $2')));
  });

  it('answers as the usual way for values PGlite serializes per type (dates, booleans, objects, bytes)', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const typed = () =>
      database.db.execute(
        sql`${padding} select ${true}::boolean as flag, ${'t'}::boolean as flag_text, ${at}::timestamptz as at,
          ${0}::timestamptz as epoch, ${JSON.stringify({ a: "it's" })}::jsonb as doc, ${new Uint8Array([0, 39, 255])}::bytea as bytes,
          'per type' as marker`,
      );
    const answers = [];
    for (let round = 0; round < 5; round++) answers.push(rowsOf(await typed())[0]);

    for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
    assert.ok(
      (await preparedTexts()).some((text) => text.includes('per type')),
      'it was prepared',
    );
  });

  it('leaves statements PREPARE does not take as they are, however long', async () => {
    for (let round = 0; round < 5; round++) await database.db.execute(sql`${padding} set local work_mem = '4MB'`);
    assert.ok(!(await preparedTexts()).some((text) => text.includes('work_mem')));
  });
});
