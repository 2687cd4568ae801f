#!/usr/bin/env bash
# scripts/pg-stop.sh [datadir] [--rm]: stops the throwaway cluster, and deletes it with --rm.
set -euo pipefail
PGDIR=${1:-/tmp/devicevault-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
RUN="runuser -u postgres --"
[ "$(id -u)" = 0 ] || RUN=""
if [ -f "$PGDIR/postmaster.pid" ]; then $RUN "$BIN/pg_ctl" -D "$PGDIR" -m fast -w stop >/dev/null || true; fi
if [ "${2:-}" = "--rm" ]; then rm -rf "$PGDIR"; fi
