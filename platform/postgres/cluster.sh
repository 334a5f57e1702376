#!/usr/bin/env bash
# madoguchi's database in its production shape, on one machine (SEC-1, SEC-2):
#
#   etcd      the store of the failover manager (one member here; three machines in production)
#   pg1, pg2  PostgreSQL 15 primary and synchronous hot standby, managed by Patroni; either one
#             may become primary, and Patroni promotes the standby by itself when the primary fails
#   pg3       asynchronous replica for reports: streams from the primary, never promoted,
#             never synchronous (Patroni tags nofailover, nosync)
#   backups   base backups and the continuous WAL archive in a pgBackRest repository
#
# Everything listens on 127.0.0.1 only, on ports chosen at the first start and kept in
# cluster.env, and runs as an unprivileged system user (madoguchi_pg, made when run as root;
# PostgreSQL refuses root). All data lives under $MADOGUCHI_CLUSTER_DIR (default var/cluster).
#
#   cluster.sh start            start what is not running; make the cluster from nothing if needed
#   cluster.sh stop             stop the replicas, then the primary, then etcd
#   cluster.sh status           members, roles, timelines, lag; the backups
#   cluster.sh url              DATABASE_URL for the application: every host that can become
#                               primary, target_session_attrs=read-write
#   cluster.sh url --reports    URL for reports: the replica first, any standby, else the primary
#   cluster.sh leader           the name of the current primary
#   cluster.sh psql [ARGS]      psql on the primary as the superuser
#   cluster.sh patronictl ARGS  Patroni's own tool (list, switchover, history, edit-config, ...)
#   cluster.sh pgbackrest ARGS  pgBackRest as the system user (info, check, expire, ...)
#   cluster.sh backup [TYPE]    a base backup now: full, diff or incr (default incr)
#   cluster.sh render           write the configuration only (ports and passwords made if new)
#   cluster.sh destroy          stop, then delete the folder: data, WAL archive and backups
#
# Configuration templates beside this script: patroni.yml.in, pgbackrest.conf.in. The tools
# (Patroni in var/ops-venv, etcd and pgBackRest from Debian) come from install.sh, which start
# runs when something is missing. restore.sh restores to a point in time from the backups.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$HERE/common.sh"

# --- ports, passwords, configuration ----------------------------------------------------------
secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

ensure_env() {
  mkdir -p "$CLUSTER_DIR"
  if [ ! -f "$ENV_FILE" ]; then
    # from a base that differs between cluster folders, so that two checkouts rarely collide
    local ports base=$((20000 + $(printf '%s' "$CLUSTER_DIR" | cksum | cut -d' ' -f1) % 400 * 20))
    read -r -a ports <<<"$(free_ports 8 "$base")"
    [ ${#ports[@]} -eq 8 ] || die "not enough free ports on 127.0.0.1"
    (umask 077 && cat >"$ENV_FILE" <<EOF
# made by platform/postgres/cluster.sh at the first start; ports and passwords of this cluster
ETCD_PORT=${ports[0]}
ETCD_PEER_PORT=${ports[1]}
PG1_PORT=${ports[2]}
PG2_PORT=${ports[3]}
PG3_PORT=${ports[4]}
REST1_PORT=${ports[5]}
REST2_PORT=${ports[6]}
REST3_PORT=${ports[7]}
SUPERUSER_PASSWORD=$(secret)
REPLICATION_PASSWORD=$(secret)
APP_PASSWORD=$(secret)
EOF
    )
  fi
  load_env
}


member_port() { local var="PG${1#pg}_PORT"; echo "${!var}"; }
rest_port() { local var="REST${1#pg}_PORT"; echo "${!var}"; }

render() {  # TEMPLATE OUTPUT NAME=VALUE...
  local template=$1 output=$2 pair expressions=()
  shift 2
  for pair in "$@"; do expressions+=(-e "s|@${pair%%=*}@|${pair#*=}|g"); done
  (umask 077 && sed "${expressions[@]}" "$template" >"$output.new")
  if grep -n '@[A-Z][A-Z0-9_]*@' "$output.new" >&2; then die "placeholders left unrendered in $output"; fi
  mv "$output.new" "$output"
}

cmd_render() {
  ensure_env
  mkdir -p "$CONF_DIR"
  local member common=(
    "CONF_DIR=$CONF_DIR" "RUN_DIR=$RUN_DIR" "LOG_DIR=$LOG_DIR" "BACKUP_DIR=$BACKUP_DIR" "DATA_ROOT=$DATA_ROOT"
    "PG_BIN=$PG_BIN" "OS_USER=$OS_USER" "ETCD_PORT=$ETCD_PORT" "BACKREST_CONF=$CONF_DIR/pgbackrest.conf"
    "PG1_PORT=$PG1_PORT" "PG2_PORT=$PG2_PORT" "PG3_PORT=$PG3_PORT"
    "SUPERUSER_PASSWORD=$SUPERUSER_PASSWORD" "REPLICATION_PASSWORD=$REPLICATION_PASSWORD"
  )
  for member in "${MEMBERS[@]}"; do
    local reports=false
    [ "$member" = pg3 ] && reports=true
    render "$HERE/patroni.yml.in" "$CONF_DIR/$member.yml" "${common[@]}" "MEMBER=$member" \
      "PG_PORT=$(member_port "$member")" "REST_PORT=$(rest_port "$member")" "DATA_DIR=$DATA_ROOT/$member" \
      "NOFAILOVER=$reports" "NOSYNC=$reports"
  done
  render "$HERE/pgbackrest.conf.in" "$CONF_DIR/pgbackrest.conf" "${common[@]}"
  if [ "$(id -u)" = 0 ] && id -u "$OS_USER" >/dev/null 2>&1; then chown "$OS_USER:" "$CONF_DIR"/*; fi
}

# --- the system user and the folder -----------------------------------------------------------
prepare() {
  [ -x "$OPS_VENV/bin/patroni" ] && command -v etcd >/dev/null && command -v pgbackrest >/dev/null \
    && [ -x "$PG_BIN/postgres" ] || bash "$HERE/install.sh"
  if [ "$(id -u)" = 0 ] && ! id -u "$SYSTEM_USER" >/dev/null 2>&1; then
    say "creating the system user $SYSTEM_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SYSTEM_USER"
  fi
  mkdir -p "$CLUSTER_DIR" "$CONF_DIR" "$DATA_ROOT" "$RUN_DIR/pgbackrest" "$LOG_DIR/pgbackrest" "$BACKUP_DIR" \
    "$CLUSTER_DIR/etcd"
  chmod 700 "$CLUSTER_DIR" "$CONF_DIR" "$RUN_DIR" "$LOG_DIR" "$CLUSTER_DIR/etcd" "$DATA_ROOT" "$BACKUP_DIR"
  if [ "$(id -u)" = 0 ]; then
    chown "$OS_USER:" "$CLUSTER_DIR" "$CONF_DIR" "$DATA_ROOT" "$RUN_DIR" "$RUN_DIR/pgbackrest" "$LOG_DIR" \
      "$LOG_DIR/pgbackrest" "$BACKUP_DIR" "$CLUSTER_DIR/etcd" "$ENV_FILE"
    as_owner test -x "$OPS_VENV/bin/python" -a -w "$CLUSTER_DIR" \
      || die "the system user $OS_USER cannot reach $OPS_VENV or $CLUSTER_DIR: every folder above them needs o+x"
  fi
}

# --- state through Patroni's REST API ---------------------------------------------------------
rest() {  # MEMBER PATH: the HTTP status of Patroni's health endpoint (000 if it does not answer)
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(rest_port "$1")/$2" || true
}

leader() {
  local member
  for member in "${MEMBERS[@]}"; do
    [ "$(rest "$member" primary)" = 200 ] && { echo "$member"; return 0; }
  done
  return 1
}
has_primary() { leader >/dev/null; }
primary_writable() { PSQL_DATABASE=postgres psql_super -c 'SELECT 1' >/dev/null 2>&1; }
has_sync() {
  local member
  for member in "${MEMBERS[@]}"; do [ "$(rest "$member" synchronous)" = 200 ] && return 0; done
  return 1
}
is_replica() { [ "$(rest "$1" replica)" = 200 ]; }
etcd_healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }

psql_super() {  # psql on the primary as the superuser
  PGPASSWORD=$SUPERUSER_PASSWORD PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    "host=127.0.0.1,127.0.0.1 port=$PG1_PORT,$PG2_PORT target_session_attrs=read-write user=postgres dbname=${PSQL_DATABASE:-$APP_DATABASE}" "$@"
}


# --- commands ---------------------------------------------------------------------------------
cmd_start() {
  ensure_env
  prepare
  cmd_render
  daemon_start etcd etcd --name madoguchi-etcd --data-dir "$CLUSTER_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "madoguchi-etcd=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    --initial-cluster-token "madoguchi-$ETCD_PEER_PORT"
  wait_for "answer from etcd on 127.0.0.1:$ETCD_PORT" 30 etcd_healthy

  # Members with data first, and a primary among them, before any member without data: an empty
  # member started first could win the race to initialise an empty etcd with a new, empty database
  # (a cluster made from nothing, or a restored data directory put in place of pg1).
  local member with_data=() without_data=()
  for member in "${MEMBERS[@]}"; do
    if [ -f "$DATA_ROOT/$member/PG_VERSION" ]; then with_data+=("$member"); else without_data+=("$member"); fi
  done
  if [ ${#with_data[@]} = 0 ]; then
    say "making the cluster in $CLUSTER_DIR (pg1 first, then its standbys)"
    with_data=(pg1) without_data=(pg2 pg3)
  fi
  for member in "${with_data[@]}"; do daemon_start "$member" "$OPS_VENV/bin/patroni" "$CONF_DIR/$member.yml"; done
  wait_for "primary that accepts writes" 180 primary_writable
  for member in "${without_data[@]}"; do daemon_start "$member" "$OPS_VENV/bin/patroni" "$CONF_DIR/$member.yml"; done

  PSQL_DATABASE=postgres psql_super -v app_user="$APP_USER" -v app_password="$APP_PASSWORD" \
    -v app_database="$APP_DATABASE" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'app_user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'app_user', :'app_password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'app_database', :'app_user')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'app_database') \gexec
SQL

  wait_for "synchronous standby" 180 has_sync
  wait_for "reports replica (pg3) streaming" 180 is_replica pg3
  backrest stanza-create >/dev/null
  if ! backrest info --output=json | grep -q '"label"'; then
    say "first full base backup"
    backrest backup --type=full
  fi
  say "running: primary $(leader), $(summary)"
}

summary() {
  local member out=()
  for member in "${MEMBERS[@]}"; do
    if [ "$(rest "$member" primary)" = 200 ]; then out+=("$member primary :$(member_port "$member")")
    elif [ "$(rest "$member" synchronous)" = 200 ]; then out+=("$member sync standby :$(member_port "$member")")
    elif [ "$(rest "$member" replica)" = 200 ]; then out+=("$member replica :$(member_port "$member")")
    else out+=("$member down"); fi
  done
  local joined
  printf -v joined '%s, ' "${out[@]}"
  echo "${joined%, }"
}

cmd_stop() {
  [ -f "$ENV_FILE" ] || return 0
  load_env
  local primary member
  primary=$(leader || true)
  for member in "${MEMBERS[@]}"; do [ "$member" = "$primary" ] || daemon_stop "$member" 60 & done
  wait
  [ -z "$primary" ] || daemon_stop "$primary" 60
  for member in "${MEMBERS[@]}"; do  # PostgreSQL left behind by a Patroni that was killed
    if postmaster_pid "$member" >/dev/null; then
      as_owner "$PG_BIN/pg_ctl" -D "$DATA_ROOT/$member" -m fast -w -t 60 stop >/dev/null || true
    fi
  done
  daemon_stop etcd 30
  say "stopped"
}

cmd_status() {
  load_env
  if etcd_healthy; then echo "etcd: healthy on 127.0.0.1:$ETCD_PORT"; else echo "etcd: DOWN (127.0.0.1:$ETCD_PORT)"; fi
  timeout 20 "$OPS_VENV/bin/patronictl" -c "$CONF_DIR/pg1.yml" list 2>/dev/null || echo "patroni: no answer within 20 s (etcd down?)"
  backrest info 2>/dev/null || echo "pgbackrest: no answer"
}

cmd_url() {
  load_env
  local options="connect_timeout=3"
  if [ "${1:-}" = --reports ]; then
    echo "postgres://$APP_USER:$APP_PASSWORD@127.0.0.1:$PG3_PORT,127.0.0.1:$PG2_PORT,127.0.0.1:$PG1_PORT/$APP_DATABASE?target_session_attrs=prefer-standby&$options"
  else
    echo "postgres://$APP_USER:$APP_PASSWORD@127.0.0.1:$PG1_PORT,127.0.0.1:$PG2_PORT/$APP_DATABASE?target_session_attrs=read-write&$options"
  fi
}

cmd_destroy() {
  [ -d "$CLUSTER_DIR" ] || return 0
  [ -f "$ENV_FILE" ] || [ -z "$(ls -A "$CLUSTER_DIR")" ] \
    || die "$CLUSTER_DIR has no cluster.env: not a cluster folder, left alone"
  cmd_stop
  rm -rf "$CLUSTER_DIR"
  say "deleted $CLUSTER_DIR"
}

action=${1:-}
[ $# -gt 0 ] && shift
case $action in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url "$@" ;;
  leader) load_env && leader ;;
  psql) load_env && psql_super "$@" ;;
  patronictl) load_env && exec "$OPS_VENV/bin/patronictl" -c "$CONF_DIR/pg1.yml" "$@" ;;
  pgbackrest) load_env && backrest "$@" ;;
  backup) load_env && backrest backup --type="${1:-incr}" ;;
  render) cmd_render ;;
  destroy) cmd_destroy ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
