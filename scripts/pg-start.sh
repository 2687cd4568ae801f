#!/usr/bin/env bash
# scripts/pg-start.sh [datadir] [port] -> prints a DATABASE_URL for a throwaway PostgreSQL cluster.
# PostgreSQL refuses to run as root, so the cluster runs as the postgres user; keep it under /tmp so that
# user can reach it.
set -euo pipefail
PGDIR=${1:-/tmp/devicevault-pg}
# No port given: let the kernel pick a free one, so parallel runs and busy ports never collide.
PORT=${2:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
RUN="runuser -u postgres --"
[ "$(id -u)" = 0 ] || RUN=""
if [ ! -f "$PGDIR/PG_VERSION" ]; then
  mkdir -p "$PGDIR"
  chown postgres:postgres "$PGDIR" 2>/dev/null || true
  chmod 700 "$PGDIR"
  $RUN "$BIN/initdb" -D "$PGDIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
$RUN "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 300 \
  -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
