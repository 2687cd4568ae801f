/**
 * PGlite runs PostgreSQL without autovacuum: every update leaves a dead row version behind, and a job's row
 * is updated several times, so after a few thousand jobs each claim walked all of them (4,000 queued jobs
 * with four updates each: 1.6 s per claim; 15 ms after a vacuum; a 10,000-device run fell from 87 to 16
 * devices/s). This does what autovacuum would, on a timer, for the tables rewritten per job or event.
 */
const churnedTables = [
  'jobs',
  'devices',
  'schedule_slots',
  'events',
  'alerts',
  'notifications',
  'collectors',
  'login_throttle',
  'auth_tokens',
];

// A vacuum of these after 4,000 jobs takes ~50 ms; every 10 s that is half a percent of the one connection.
// Statistics (ANALYZE samples up to 30,000 rows of large job logs) are refreshed every sixth time.
const everyMs = 10_000;
const analyzeEvery = 6;

export function startPgliteVacuum(client: { exec(query: string): Promise<unknown> }): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  let ticks = 0;
  const timer = setInterval(() => {
    if (running) return;
    const options = ticks++ % analyzeEvery === 0 ? '(analyze) ' : '';
    // A failed vacuum only leaves the tables as they were; the next tick tries again.
    running = client
      .exec(`vacuum ${options}${churnedTables.join(', ')}`)
      .catch(() => {})
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
