#!/usr/bin/env bash
# Shared by cluster.sh and restore.sh (sourced with HERE set to this folder, not run): where the
# cluster lives, who runs it, and how to run things as that user.
ROOT=$(cd "$HERE/../.." && pwd)
VAR_DIR=${MADOGUCHI_VAR_DIR:-$ROOT/var}
CLUSTER_DIR=${MADOGUCHI_CLUSTER_DIR:-$VAR_DIR/cluster}
case $CLUSTER_DIR in /*) ;; *) CLUSTER_DIR=$PWD/$CLUSTER_DIR ;; esac
OPS_VENV=${MADOGUCHI_OPS_VENV:-$VAR_DIR/ops-venv}
PG_BIN=${MADOGUCHI_PG_BIN:-/usr/lib/postgresql/15/bin}
SYSTEM_USER=${MADOGUCHI_PG_USER:-madoguchi_pg}
STANZA=madoguchi
APP_USER=madoguchi
APP_DATABASE=madoguchi
MEMBERS=(pg1 pg2 pg3)

CONF_DIR=$CLUSTER_DIR/conf
DATA_ROOT=$CLUSTER_DIR/data
RUN_DIR=$CLUSTER_DIR/run
LOG_DIR=$CLUSTER_DIR/log
BACKUP_DIR=$CLUSTER_DIR/backup
ENV_FILE=$CLUSTER_DIR/cluster.env
if [ "$(id -u)" = 0 ]; then OS_USER=$SYSTEM_USER; else OS_USER=$(id -un); fi

say() { printf 'cluster: %s\n' "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

# --- running things as the system user -------------------------------------------------------
owner_prefix() {
  if [ "$(id -u)" = 0 ]; then
    printf '%s\0' setpriv --reuid="$OS_USER" --regid="$OS_USER" --init-groups
  fi
  printf '%s\0' env HOME="$CLUSTER_DIR"
}

as_owner() {
  local prefix=()
  mapfile -d '' prefix < <(owner_prefix)
  (cd / && "${prefix[@]}" "$@")
}

# A daemon runs in a session of its own, logs to log/NAME.log and has its pid in run/NAME.pid
# (exec all the way down, so the pid is the daemon's own).
daemon_start() {
  local name=$1 prefix=()
  shift
  daemon_pid "$name" >/dev/null && return 0
  mapfile -d '' prefix < <(owner_prefix)
  (cd / && exec setsid "${prefix[@]}" "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null) &
  echo $! >"$RUN_DIR/$name.pid"
}

daemon_pid() {  # the daemon's pid if it runs (and is ours: its command line names this cluster)
  local pid
  pid=$(cat "$RUN_DIR/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CLUSTER_DIR/" || return 1
  echo "$pid"
}

daemon_stop() {
  local name=$1 timeout=${2:-60} pid
  if pid=$(daemon_pid "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt $((timeout * 5)) ]; do sleep 0.2; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name did not stop within ${timeout}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$RUN_DIR/$name.pid"
}

postmaster_pid() {  # pid of a member's running postmaster
  local pid
  pid=$(head -n1 "$DATA_ROOT/$1/postmaster.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

wait_for() {  # DESCRIPTION SECONDS COMMAND...
  local what=$1 seconds=$2 tries=0
  shift 2
  until "$@"; do
    tries=$((tries + 1))
    [ $tries -lt $((seconds * 2)) ] || die "no $what after ${seconds}s; see $LOG_DIR/"
    sleep 0.5
  done
}

free_ports() {  # COUNT BASE: the first COUNT free ports on 127.0.0.1 from BASE on
  local python=/usr/bin/python3
  [ -x "$python" ] || python=python3
  "$python" - "$1" "$2" <<'PY'
import socket, sys
need, port, found = int(sys.argv[1]), int(sys.argv[2]), []
while len(found) < need and port < 65000:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            found.append(port)
        except OSError:
            pass
    port += 1
print(" ".join(map(str, found)))
PY
}

elapsed() { awk -v began="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - began }'; }

load_env() {
  [ -f "$ENV_FILE" ] || die "no cluster at $CLUSTER_DIR (cluster.sh start makes one)"
  # shellcheck disable=SC1090
  source "$ENV_FILE"
}

backrest() { as_owner pgbackrest --config="$CONF_DIR/pgbackrest.conf" --stanza="$STANZA" "$@"; }
