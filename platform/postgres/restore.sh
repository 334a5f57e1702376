#!/usr/bin/env bash
# Point-in-time recovery (SEC-2): restore the cluster's data as it was at a moment, into a fresh
# data directory, from the pgBackRest repository (base backups + WAL archive), and open it on a
# spare port for inspection. The running cluster is not touched.
#
#   restore.sh --target '2026-11-25 14:30:00+09' --into DIR [--port PORT] [--no-start]
#   restore.sh --stop DIR          stop a restored instance (its folder stays)
#
# --target   a timestamp with time zone: the restore keeps every transaction that committed at
#            or before it and none after (recovery_target_time, inclusive)
# --into     a data directory that does not exist yet, or is empty
# --port     where to open it (default: a free port); --no-start leaves it restored, not running
#
# On success the last line on stdout is the restored database's URL (postgres://madoguchi:…/
# madoguchi); everything else goes to stderr. The restored instance never archives (archive_mode
# off: its WAL must not mix into the cluster's archive), has no synchronous standby, and is
# promoted at the target, so it can be read and written like any database. What to do with it
# (copy rows back, or make it the new primary) is in platform/runbooks/restore-to-point-in-time.md.
#
# Cluster folder, system user, tools: as for cluster.sh (MADOGUCHI_CLUSTER_DIR, default var/cluster).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$HERE/common.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }

target="" into="" port="" start=1 stop=""
while [ $# -gt 0 ]; do
  case $1 in
    --target) target=${2:?}; shift 2 ;;
    --into) into=${2:?}; shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --no-start) start=0; shift ;;
    --stop) stop=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

if [ -n "$stop" ]; then
  stop=$(absolute "$stop")
  [ -f "$stop/PG_VERSION" ] || die "$stop is not a data directory"
  as_owner "$PG_BIN/pg_ctl" -D "$stop" -m fast -w stop
  exit 0
fi
[ -n "$target" ] && [ -n "$into" ] || usage
into=$(absolute "$into")
load_env
[ ! -e "$into" ] || [ -z "$(ls -A "$into")" ] || die "$into is not empty: restore into a fresh directory"

# The archive must reach past the target: have the primary (if it runs) close its current WAL
# segment and wait until it is archived (pgbackrest check does both).
if ! backrest check >/dev/null 2>&1; then
  say "warning: pgbackrest check failed (is the cluster down?): restoring from what is archived"
fi

began=$(date +%s.%N)
mkdir -p "$into"
chmod 700 "$into"
[ "$(id -u)" = 0 ] && chown "$OS_USER:" "$into"
say "restoring to $target into $into"
backrest --pg1-path="$into" --type=time --target="$target" --target-action=promote --log-level-console=warn restore

if [ $start = 0 ]; then
  say "restored in $(elapsed "$began") s (not started)"
  exit 0
fi
[ -n "$port" ] || port=$(free_ports 1 $((PG3_PORT + 1)))
# Settings that belonged to the cluster member the backup came from are replaced here: this
# instance listens on its own port, archives nothing and waits for no standby.
options="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c archive_mode=off"
options+=" -c synchronous_standby_names='' -c primary_conninfo='' -c primary_slot_name=''"
options+=" -c hba_file=$into/pg_hba.conf -c ident_file=$into/pg_ident.conf -c cluster_name=madoguchi-restore"
options+=" -c logging_collector=off"
as_owner "$PG_BIN/pg_ctl" -D "$into" -w -t 600 -l "$into/restore.log" -o "$options" start >/dev/null \
  || die "the restored instance did not start; see $into/restore.log"

restored_psql() {
  PGPASSWORD=$SUPERUSER_PASSWORD "$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d "$APP_DATABASE" "$@"
}
tries=0
until [ "$(restored_psql -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  tries=$((tries + 1))
  [ $tries -lt 1200 ] || die "recovery did not end within 10 minutes; see $into/restore.log"
  sleep 0.5
done
last=$(restored_psql -c "SELECT coalesce(pg_last_xact_replay_timestamp()::text, 'none')")
# The recovery settings pgBackRest wrote into postgresql.auto.conf have done their work; left in,
# they would stop any standby later cloned from this directory at the same target.
for setting in restore_command recovery_target_time recovery_target_action recovery_target_timeline; do
  restored_psql -q -c "ALTER SYSTEM RESET $setting"
done
say "restored in $(elapsed "$began") s; last transaction replayed committed at $last"
say "open on 127.0.0.1:$port; stop it with: $0 --stop $into"
echo "postgres://$APP_USER:$APP_PASSWORD@127.0.0.1:$port/$APP_DATABASE"
