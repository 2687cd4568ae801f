#!/usr/bin/env bash
# `npm run test:pg`: the whole suite against a fresh throwaway PostgreSQL cluster (each test file creates
# its own database on it).
set -uo pipefail
cd "$(dirname "$0")/.."
PGDIR=/tmp/devicevault-pg-$$
URL=$(scripts/pg-start.sh "$PGDIR" ${PGPORT_TEST:-}) || exit 1
DATABASE_URL="$URL" node scripts/test.mjs "$@"
rc=$?
scripts/pg-stop.sh "$PGDIR" --rm
exit $rc
