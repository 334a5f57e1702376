"""django-tenants' PostgreSQL backend, with the health check of a reused connection made without a
round trip where the connection itself shows it is sound.

Django checks a connection kept from an earlier request (CONN_HEALTH_CHECKS) by sending
`SELECT 1` before the request's first query: a round trip on every request that reads the
database. A connection the server ended (a restart, a failover, an administrator's
pg_terminate_backend) shows it without one: the server's last message or the closed socket is
waiting to be read, or libpq already knows the connection is bad. So a connection that is open
as far as libpq knows, outside any transaction, with nothing waiting on its socket, is taken as
it is; anything else gets Django's check (`SELECT 1`) and is replaced if that fails. What no
check without a round trip can see (a host gone silent, with no word on the socket) fails the
request's first query, as `SELECT 1` would have failed it, and the connection is closed at the
request's end (kernel.database answers 503 meanwhile).
"""
from __future__ import annotations

import select

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg import pq


def quietly_open(connection) -> bool:
    """Whether this psycopg connection is open, idle and has nothing from the server waiting."""
    if connection.closed or connection.pgconn.status != pq.ConnStatus.OK:
        return False
    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


class DatabaseWrapper(TenantDatabaseWrapper):
    def close_if_health_check_failed(self):
        if (self.connection is not None and self.health_check_enabled and not self.health_check_done
                and not self.pool and quietly_open(self.connection)):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
