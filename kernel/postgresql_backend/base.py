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

`prepared_cursor()` gives a cursor that sends its parameters apart from the statement (psycopg's
server-side binding) instead of Django's, which writes them into the SQL: psycopg then prepares a
statement run `prepare_threshold` times on the connection (OPTIONS), so PostgreSQL parses and
plans it once per connection, not once per run (a changed search_path, another city's schema,
makes PostgreSQL parse it again). The statements of every booking written by hand use it
(`kernel.prepared`); the ORM keeps Django's cursor, which never prepares.
"""
from __future__ import annotations

import select

from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.postgresql.operations import DatabaseOperations
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg import errors, pq


def quietly_open(connection) -> bool:
    """Whether this psycopg connection is open, idle and has nothing from the server waiting."""
    if connection.closed or connection.pgconn.status != pq.ConnStatus.OK:
        return False
    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


class Operations(DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """A prepared cursor's statement with its parameters, as Django shows a query (query logs and
        counts), written out here as Django writes them for server-side binding."""
        if isinstance(cursor, ServerBindingCursor):
            try:
                return self.compose_sql(sql, params)
            except errors.DataError:
                return sql
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(TenantDatabaseWrapper):
    ops_class = Operations
    _binding_cursor = False  # the next cursor made binds on the server (prepared_cursor)

    def prepared_cursor(self):
        """A cursor (Django's wrapper, the search_path set as for any) whose statements psycopg
        prepares once they repeat; one statement per execute, parameters PostgreSQL can type."""
        self._binding_cursor = True
        try:
            return self.cursor()
        finally:
            self._binding_cursor = False

    def create_cursor(self, name=None):
        if name is None and self._binding_cursor:
            factory, self.connection.cursor_factory = self.connection.cursor_factory, ServerBindingCursor
            try:
                return super().create_cursor(name)
            finally:
                self.connection.cursor_factory = factory
        return super().create_cursor(name)

    def close_if_health_check_failed(self):
        if (self.connection is not None and self.health_check_enabled and not self.health_check_done
                and not self.pool and quietly_open(self.connection)):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
