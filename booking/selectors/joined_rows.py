"""Rows read with their related rows, as `select_related` reads them, by a statement written once.

The citizen's pages read a slot with its place, and a notice's active booking with its slot and
place, on every booking. The ORM builds and compiles the same SQL for each of those reads; here
the statement is written once per process, and the row becomes the same linked model instances
`select_related` would give (every concrete field, converted as Django converts it, with the
related instance cached on its foreign key).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import Model

from kernel.prepared import prepared_cursor


def id_in_range(value: int) -> bool:
    """Whether an id column can hold `value` (the ORM answers "no row" for one it cannot; a
    statement of our own would fail instead)."""
    low, high = connection.ops.integer_field_range("BigAutoField")
    return low <= value <= high


@cache
def _converters(model: type[Model]) -> tuple[tuple[str, ...], tuple[tuple[int, tuple, object], ...]]:
    """The model's concrete fields (attribute names) and, by position, the converters each value needs."""
    fields = model._meta.concrete_fields
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        steps = tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        if steps:
            converters.append((position, steps, column))
    return tuple(field.attname for field in fields), tuple(converters)


def select_list(model: type[Model], alias: str) -> str:
    """Every concrete column of `model` under the table alias `alias`, in field order."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def table(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


def _instance(model: type[Model], values: Sequence) -> Model:
    names, converters = _converters(model)
    values = list(values)
    for position, steps, column in converters:
        for step in steps:
            values[position] = step(values[position], column, connection)
    return model.from_db(connection.alias, names, values)


def read_chain(sql: str, params: Sequence, chain: Sequence[tuple[type[Model], str | None]]):
    """The first row of `sql` (columns of each model of `chain` in turn) as linked instances, or
    None. `chain` is [(model, foreign key to the next model or None)], e.g.
    [(Reservation, "slot"), (Slot, "place"), (Place, None)]; the first instance is returned."""
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model, _link in chain:
        width = len(_converters(model)[0])
        instances.append(_instance(model, row[start:start + width]))
        start += width
    for (_model, link), instance, related in zip(chain, instances, instances[1:], strict=False):
        setattr(instance, link, related)  # cached on the foreign key, as select_related leaves it
    return instances[0]
