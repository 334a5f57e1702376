"""Writing many rows at once with PostgreSQL's COPY, inside the caller's transaction and schema.

For imports of tens of thousands of records, building a model instance per row costs more than
the database's own work; COPY takes plain tuples. Ids are drawn from the table's sequence first,
so rows that refer to each other (cards to notices) can be written in the same transaction.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def ids_reserve(table: str, count: int) -> list[int]:
    """`count` fresh ids of `table`'s id sequence."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, count])
        return [row[0] for row in cursor.fetchall()]


def rows_copy(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` into `table` (of the current schema); values are adapted like query parameters."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
