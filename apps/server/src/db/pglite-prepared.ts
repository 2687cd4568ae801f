/**
 * PGlite plans every statement anew: its driver sends each one unnamed, and drizzle's `.prepare(name)` names
 * nothing there. A job's load (one 4 KB statement) cost 1.8 ms of CPU a run, 0.5 ms once planned by a
 * server-side PREPARE. So a long statement that keeps coming back is PREPAREd once (on the connection it
 * came on, in a transaction or not: a prepared statement outlives a rollback) and then sent as EXECUTE with
 * its values as literals. Only values PGlite sends as their plain text whatever the parameter's type are rewritten
 * (strings, finite numbers, null): a quoted literal reaches the same type input function, so results are
 * identical. Anything else (booleans, which it spells per type, dates, objects, buffers) goes the usual way. Hand-written: PGlite offers no named statements.
 */
type Value = string | number | null;

// Short statements plan in microseconds; these are the ones whose planning shows.
const minLength = 1_000;
// Seen this often before it is prepared: a statement built per call (an IN list of varying length) never is.
const preparedAfter = 3;
const maxPrepared = 64;
const maxCounted = 1_000;

export interface PreparedStatements {
  /**
   * The statement to send instead (EXECUTE …, no values), or null to send this one as it is; `run` sends a
   * statement on the connection the caller is on (a PREPARE there).
   */
  rewrite(
    text: string,
    values: readonly unknown[] | undefined,
    run: (text: string) => Promise<unknown>,
  ): Promise<string | null>;
}

export function createPreparedStatements(): PreparedStatements {
  const seen = new Map<string, number>();
  // Never evicted (a statement in flight could be using the name): past the cap, new texts go unprepared.
  const prepared = new Map<string, string>();
  let next = 0;

  async function prepare(text: string, run: (text: string) => Promise<unknown>): Promise<string> {
    const name = `dv_statement_${next++}`;
    await run(`prepare ${name} as ${text}`);
    prepared.set(text, name);
    return name;
  }

  return {
    async rewrite(text, values = [], run) {
      if (text.length < minLength || !values.every(isPlain)) return null;
      let name = prepared.get(text);
      if (!name) {
        if (prepared.size >= maxPrepared) return null;
        const count = (seen.get(text) ?? 0) + 1;
        if (count < preparedAfter) {
          if (seen.size >= maxCounted) seen.clear();
          seen.set(text, count);
          return null;
        }
        seen.delete(text);
        // PGlite runs one statement at a time, and nothing is awaited between the check and here: one PREPARE per text.
        name = await prepare(text, run);
      }
      return values.length === 0
        ? `execute ${name}`
        : `execute ${name}(${(values as Value[]).map(literal).join(', ')})`;
    },
  };
}

function isPlain(value: unknown): value is Value {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** As PGlite would send it (text), quoted: standard_conforming_strings is on, so only quotes are doubled. */
function literal(value: Value): string {
  if (value === null) return 'null';
  return `'${String(value).replaceAll("'", "''")}'`;
}
