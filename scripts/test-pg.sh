#!/usr/bin/env bash
# `npm run test:pg`: the tests that touch the database (apps/server and packages/schema) against a fresh
# throwaway PostgreSQL cluster; each test file creates its own database on it. The plugin, quick-start and
# browser tests don't depend on the dialect (the quick start is PGlite by design), so `npm test` runs them
# once on PGlite. Arguments narrow the files as `npm test`'s do (`npm run test:pg -- tests/` for the rest).
set -uo pipefail
cd "$(dirname "$0")/.."
PGDIR=/tmp/devicevault-pg-$$
URL=$(scripts/pg-start.sh "$PGDIR" ${PGPORT_TEST:-}) || exit 1
[ $# -gt 0 ] || set -- apps/server/ packages/schema/
DATABASE_URL="$URL" node scripts/test.mjs "$@"
rc=$?
scripts/pg-stop.sh "$PGDIR" --rm
exit $rc
