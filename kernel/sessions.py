"""Sessions kept in PostgreSQL and read from the shared cache, in as few round trips as they need.

Django's database store asks whether a new random key is taken before inserting it, and wraps
every write in a transaction of its own (BEGIN, the statement, COMMIT). A login then costs four
round trips for its session and every later write three. Here a new key is simply inserted (a
duplicate fails the INSERT, and a new key is drawn, as Django does), and a write outside any
transaction is the one statement it is, which PostgreSQL runs atomically by itself; inside a
transaction the write keeps its savepoint, so a failure leaves the outer transaction usable.
"""
from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils.crypto import get_random_string

from kernel.prepared import prepared_cursor

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)  # taken keys fail the INSERT (CreateError)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        using = router.db_for_write(self.model)
        try:
            if connections[using].in_atomic_block:
                with transaction.atomic(using=using):
                    self._write(using, data, must_create)
            else:
                self._write(using, data, must_create)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:  # noqa: BLE001 - as Django's cached_db store: the database has the session
            logger.exception("Error saving to cache (%s)", self._cache)
        return None

    def _write(self, using: str, data: dict, must_create: bool) -> None:
        """The row as `create_model_instance` makes it, inserted or updated by one statement written
        here (every login inserts one and every form a citizen sends updates it: no ORM to compile)."""
        table = connections[using].ops.quote_name(self.model._meta.db_table)
        values = [self.encode(data), self.get_expiry_date(), self.session_key]
        with prepared_cursor(using) as cursor:
            if must_create:
                cursor.execute(f"INSERT INTO {table} (session_data, expire_date, session_key) VALUES (%s, %s, %s)",
                               values)
            else:
                cursor.execute(f"UPDATE {table} SET session_data = %s, expire_date = %s WHERE session_key = %s",
                               values)
                if cursor.rowcount != 1:
                    raise DatabaseError("Forced update did not affect any rows.")
