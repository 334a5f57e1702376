"""The session store: a new session is one INSERT, a change one UPDATE, each its own transaction."""
from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kernel.sessions import SessionStore


def statements(action):
    with CaptureQueriesContext(connection) as captured, \
            mock.patch.object(connection, "commit", wraps=connection.commit) as commits:
        action()
    sqls = [query["sql"].split()[0] for query in captured.captured_queries]
    return [sql for sql in sqls if sql != "SET"], commits.call_count  # the schema's search_path aside


def test_a_session_is_written_in_one_statement_and_read_back(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        store = SessionStore()
        try:
            store["citizen_notice_id"] = 7
            assert statements(store.save) == (["INSERT"], 0)  # no "is this key taken?" first, no BEGIN/COMMIT
            store["citizen_notice_id"] = 8
            assert statements(store.save) == (["UPDATE"], 0)
            assert SessionStore(session_key=store.session_key)["citizen_notice_id"] == 8
            assert Session.objects.filter(session_key=store.session_key).count() == 1
        finally:
            Session.objects.filter(session_key=store.session_key).delete()


def test_a_key_already_taken_draws_another(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        first = SessionStore()
        first["n"] = 1
        first.save()
        second = SessionStore()
        drawn = iter([first.session_key, "k" * 32])
        try:
            with mock.patch.object(SessionStore, "_get_new_session_key", lambda self: next(drawn)):
                second["n"] = 2
                second.save()
            assert second.session_key == "k" * 32
            assert SessionStore(session_key=first.session_key)["n"] == 1  # the first is untouched
            clash = SessionStore(session_key=first.session_key)
            clash["n"] = 3
            with pytest.raises(CreateError):
                clash.save(must_create=True)
        finally:
            Session.objects.filter(session_key__in=[first.session_key, "k" * 32]).delete()
