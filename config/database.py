"""DATABASES["default"] from DATABASE_URL, including libpq's multi-host form for a failover cluster.

Every form django-environ reads keeps working (``postgres://user:pass@host:port/name?options``, a
Unix socket as ``?host=/run/postgresql``, ``postgres:///name``). For a primary with standbys managed
by a failover manager (platform/postgres/), give all hosts that can become primary:

    postgres://madoguchi:secret@10.0.0.11:5432,10.0.0.12:5432/madoguchi?target_session_attrs=read-write

This becomes HOST="10.0.0.11,10.0.0.12", PORT="5432,5432" and OPTIONS={"target_session_attrs":
"read-write"}; psycopg hands them to libpq, which tries the hosts in order and keeps the first
that accepts writes. After a failover every new connection finds the new primary by itself; the
old connections fail once, Django drops them (CONN_HEALTH_CHECKS) and the request that met the
failure answers 503 "try again" (kernel.database.DatabaseUnavailableMiddleware).

The hosts and ports are read here, item by item, as libpq reads them: a port belongs to its own
host (``h1:5433,h2`` is h1 on 5433 and h2 on the default port, written PORT="5433,"), and IPv6
addresses lose their brackets. Everything else (user, password, name, options) is django-environ's.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

import environ

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql", "postgis"}


def database_config(url: str) -> dict:
    """The Django database settings for `url`; multi-host PostgreSQL URLs keep one port per host."""
    config = environ.Env.db_url_config(url)
    parts = urlsplit(url)
    hosts = parts.netloc.rsplit("@", 1)[-1]
    if parts.scheme in POSTGRES_SCHEMES and "," in hosts:
        names, ports = zip(*(_host_and_port(item) for item in hosts.split(",")), strict=True)
        if not all(names):
            raise ValueError(f"DATABASE_URL has an empty host in {hosts!r}")
        config["HOST"] = ",".join(names)
        config["PORT"] = ",".join(ports) if any(ports) else ""
    return config


def _host_and_port(item: str) -> tuple[str, str]:
    item = unquote(item)
    if item.startswith("["):  # [IPv6] or [IPv6]:port
        address, _, rest = item[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        address, _, port = item.rpartition(":") if ":" in item else (item, "", "")
    if port and not port.isdigit():
        raise ValueError(f"DATABASE_URL has an invalid port in {item!r}")
    return address, port
