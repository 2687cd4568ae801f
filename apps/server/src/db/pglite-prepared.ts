/**
 * PGlite plans every statement anew: its driver sends each one unnamed, and drizzle's `.prepare(name)` names
 * nothing there. A job's load (one 4 KB statement) cost 1.8 ms of CPU a run, 0.5 ms once planned by a
 * server-side PREPARE. So a long query that keeps coming back is PREPAREd once (on the connection it came
 * on, in a transaction or not: a prepared statement outlives a rollback) and then sent as EXECUTE with its
 * values as literals, each turned into text by PGlite's own serializer for the parameter's type, as its
 * driver would before sending it: the same text reaches the same type input function, so results are
 * identical. Hand-written: PGlite offers no named statements.
 */
type Serializers = Record<number, ((value: unknown) => string) | undefined>;

// Only the shortest (a select by primary key) plan faster than an EXECUTE is rewritten. Planning reads the size
// of every index of every table a statement touches (an lseek, a real fstat on PGlite's file system): a job's
// one-row update of `jobs` (400 characters) took 0.78 ms of WASM planned anew, 0.48 ms prepared.
const minLength = 150;
// Past these, a statement is a one-off bulk write (an import chunk), not a hot query.
const maxLength = 16_000;
const maxValues = 200;
// Seen this often before it is prepared: a statement built per call (an IN list of varying length) never is.
const preparedAfter = 3;
// Plans of short statements are small; a server's hot statements are a few dozen.
const maxPrepared = 256;
const maxCounted = 1_000;
// Only what PREPARE accepts: DDL, SET, DO, COPY and the like go as they are, however long.
const preparable = /^\s*(?:(?:\/\*[\s\S]*?\*\/|--[^\n]*\n)\s*)*(?:select|insert|update|delete|with|values)\b/i;

interface Prepared {
  name: string;
  /** The parameters' type oids, as PostgreSQL inferred them (the same inference as an unnamed Parse). */
  types: number[];
}

export interface PreparedStatements {
  /**
   * The statement to send instead (EXECUTE …, no values), or null to send this one as it is; `run` sends a
   * statement on the connection the caller is on (the PREPARE goes there).
   */
  rewrite(
    text: string,
    values: readonly unknown[] | undefined,
    run: (text: string) => Promise<{ rows: unknown[] }>,
  ): Promise<string | null>;
}

export function createPreparedStatements(serializers: Serializers): PreparedStatements {
  const seen = new Map<string, number>();
  // Never evicted (a statement in flight could be using the name): past the cap, new texts go unprepared.
  const prepared = new Map<string, Prepared | null>();
  // Being prepared by one caller: the others go the usual way meanwhile. Waiting for that PREPARE could
  // deadlock, as a PREPARE outside a transaction waits for the transaction a waiter may be in.
  const preparing = new Set<string>();
  let next = 0;

  async function prepare(text: string, run: (text: string) => Promise<{ rows: unknown[] }>): Promise<Prepared> {
    const name = `dv_statement_${next++}`;
    await run(`prepare ${name} as ${text}`);
    const [row] = (
      await run(`select parameter_types::oid[]::int[] as types from pg_prepared_statements where name = '${name}'`)
    ).rows as { types: number[] | null }[];
    return { name, types: row?.types ?? [] };
  }

  function literal(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return 'null';
    const serialize = type === undefined ? undefined : serializers[type];
    const text = serialize ? serialize(value) : String(value);
    // PostgreSQL text holds no NUL: the usual way fails with PostgreSQL's own message.
    if (text.includes('\u0000')) return null;
    // An escape string reads the same whatever standard_conforming_strings says: backslashes and quotes
    // doubled, nothing can end the literal (the EXECUTE goes as a simple Query, where a `;` could start another).
    return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  }

  return {
    async rewrite(text, values = [], run) {
      if (text.length < minLength || text.length > maxLength || values.length > maxValues) return null;
      let statement = prepared.get(text);
      if (statement === undefined) {
        if (preparing.has(text) || prepared.size + preparing.size >= maxPrepared || !preparable.test(text)) return null;
        const count = (seen.get(text) ?? 0) + 1;
        if (count < preparedAfter) {
          if (seen.size >= maxCounted) seen.clear();
          seen.set(text, count);
          return null;
        }
        seen.delete(text);
        preparing.add(text);
        // A PREPARE that fails leaves the text to go the usual way for good.
        statement = await prepare(text, run).catch(() => null);
        preparing.delete(text);
        prepared.set(text, statement);
      }
      if (!statement || statement.types.length !== values.length) return null;
      try {
        const literals = values.map((value, index) => literal(value, statement.types[index]));
        if (literals.some((item) => item === null)) return null;
        return literals.length === 0
          ? `execute ${statement.name}`
          : `execute ${statement.name}(${literals.join(', ')})`;
      } catch {
        // A serializer refused the value: the usual way refuses it with the same error.
        return null;
      }
    },
  };
}
