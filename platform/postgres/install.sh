#!/usr/bin/env bash
# What the database cluster (cluster.sh) and the drills need beyond the project's Python:
#
#   Debian:  postgresql-15 (binaries only; no server of its own is started here), etcd-server,
#            pgbackrest, python3-venv
#   PyPI:    the `ops` extra of pyproject.toml (Patroni with its etcd3 and psycopg drivers),
#            installed into $MADOGUCHI_VAR_DIR/ops-venv (default var/ops-venv)
#
# Why a venv of its own: Patroni runs as the database's unprivileged system user (PostgreSQL
# refuses root), and that user must be able to run the interpreter. The project's .venv may be
# built from a Python under /root (pyenv), which other users cannot reach; Debian's
# /usr/bin/python3 is there for everyone.
#
# Idempotent and quiet when everything is in place. Needs root for apt; without root it only
# says what is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VAR_DIR=${MADOGUCHI_VAR_DIR:-$ROOT/var}
OPS_VENV=${MADOGUCHI_OPS_VENV:-$VAR_DIR/ops-venv}
PG_BIN=${MADOGUCHI_PG_BIN:-/usr/lib/postgresql/15/bin}

missing=()
[ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v pgbackrest >/dev/null 2>&1 || missing+=(pgbackrest)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "missing Debian packages: ${missing[*]} (install them with apt as root)" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d or no init system: the packages' own services are not started (etcd, postgresql)
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# the ops extra, read from pyproject.toml so that the versions live in one place
requirements=$(/usr/bin/python3 - "$ROOT/pyproject.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as handle:
    print("\n".join(tomllib.load(handle)["project"]["optional-dependencies"]["ops"]))
PY
)
stamp="$OPS_VENV/.installed-$(printf '%s' "$requirements" | cksum | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
  echo "installing the ops tools into $OPS_VENV: $(echo $requirements)"
  umask 022
  mkdir -p "$(dirname "$OPS_VENV")"
  [ -x "$OPS_VENV/bin/python" ] || /usr/bin/python3 -m venv "$OPS_VENV"
  mapfile -t packages <<<"$requirements"
  "$OPS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" 2>&1 \
    | { grep -v "^WARNING: Location" || true; }
  [ -x "$OPS_VENV/bin/patroni" ] || { echo "Patroni did not install into $OPS_VENV" >&2; exit 1; }
  rm -f "$OPS_VENV"/.installed-*
  touch "$stamp"
fi
