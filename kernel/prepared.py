"""Statements PostgreSQL parses and plans once per connection: the hot path's hand-written SQL.

    with prepared_cursor() as cursor:
        cursor.execute("SELECT … WHERE id = %s", [pk])

A cursor of Django's (counted, logged and wrapped as any), on which psycopg binds parameters on
the server and prepares a statement once it has run `prepare_threshold` times on the connection
(kernel/postgresql_backend). For one statement per execute whose parameters PostgreSQL can type
from where they stand; several statements in one string, or a parameter it cannot type, belong on
`connection.cursor()`. Prepared statements live as long as the connection, so the pooler must keep
a client on one server connection (PgBouncer in session mode, as platform/ runs it).
"""
from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def prepared_cursor(using: str = DEFAULT_DB_ALIAS):
    return connections[using].prepared_cursor()
