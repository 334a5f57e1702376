"""What can be checked quickly of the database's failover shape (SEC-1, SEC-2).

The drills themselves (`make drill-failover`, `make drill-pitr`) start a real Patroni cluster and
take minutes; here: the multi-host DATABASE_URL, the 503 "try again" when the database is lost
during a request, and the cluster's rendered configuration.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
from pathlib import Path
from unittest import mock

import pytest
import yaml
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError, connection
from django.test import Client

from booking.models import Place, Reservation
from config.database import database_config
from kernel.sessions import SessionStore
from tests.booking.factories import NoticeFactory, make_slot, open_weekday

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_SCRIPT = ROOT / "platform" / "postgres" / "cluster.sh"


# --- DATABASE_URL ---------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "host", "port", "options"), [
    ("postgres://u:p@db1:5433,db2:5434/madoguchi?target_session_attrs=read-write",
     "db1,db2", "5433,5434", {"target_session_attrs": "read-write"}),
    ("postgres://u@db1,db2/madoguchi?target_session_attrs=read-write", "db1,db2", "",
     {"target_session_attrs": "read-write"}),
    ("postgresql://u@db1:5433,db2/madoguchi", "db1,db2", "5433,", {}),  # db2 on libpq's default port
    ("postgres://u@[::1]:5433,[fd00::2]:5434/madoguchi", "::1,fd00::2", "5433,5434", {}),
    ("postgres://u@10.0.0.1:5432,10.0.0.2:5432,10.0.0.3:5432/madoguchi?target_session_attrs=primary"
     "&connect_timeout=3", "10.0.0.1,10.0.0.2,10.0.0.3", "5432,5432,5432",
     {"target_session_attrs": "primary", "connect_timeout": 3}),
])
def test_multi_host_urls_keep_one_port_per_host(url, host, port, options):
    config = database_config(url)
    assert (config["HOST"], config["PORT"], config.get("OPTIONS", {})) == (host, port, options)
    assert config["NAME"] == "madoguchi" and config["USER"] == "u"


def test_single_host_forms_read_as_before():
    plain = database_config("postgres://postgres:s%40cret@127.0.0.1:54321/madoguchi")
    assert (plain["HOST"], plain["PORT"], plain["USER"], plain["PASSWORD"], plain["NAME"]) == (
        "127.0.0.1", 54321, "postgres", "s@cret", "madoguchi")
    socket_form = database_config("postgres:///madoguchi?host=/run/postgresql")
    assert socket_form["NAME"] == "madoguchi" and socket_form["OPTIONS"] == {"host": "/run/postgresql"}
    assert database_config("postgres://u@db:5432/m?sslmode=require")["OPTIONS"] == {"sslmode": "require"}


def test_a_host_list_with_a_hole_is_refused():
    with pytest.raises(ValueError):
        database_config("postgres://u@db1,,db2/madoguchi")


def test_the_settings_use_it_and_bound_the_connect_time(settings):
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] > 0
    assert settings.MADOGUCHI_DATABASE_RETRY_AFTER > 0


# --- 503 "try again" ------------------------------------------------------------------------
@pytest.fixture
def citizen(in_city_a, client_a):
    NoticeFactory(number="DBF000001", birth_day=3)
    slot = make_slot(Place.objects.get(code="kita"), open_weekday(), dt.time(14), capacity=2)
    assert client_a.post("/login/", {"notice_number": "DBF000001", "birth_day": "3"}).status_code == 302
    return client_a, slot


def confirm_token(client, slot) -> str:
    page = client.get(f"/booking/slots/{slot.pk}/").content.decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


@pytest.mark.django_db
def test_a_booking_that_loses_the_database_answers_503_and_can_be_sent_again(citizen):
    client, slot = citizen
    token = confirm_token(client, slot)
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("booking.web.views.booking.reservation_book", side_effect=lost):
        response = client.post(f"/booking/slots/{slot.pk}/", {"email": "", "token": token})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0 and response["Cache-Control"] == "no-store"
    assert "もう一度送信してください" in response.content.decode()
    assert not Reservation.objects.exists()
    # the same form again (the failed request spent nothing): booked
    again = client.post(f"/booking/slots/{slot.pk}/", {"email": "", "token": token})
    assert again.status_code == 302 and again["Location"] == "/booking/"
    assert Reservation.objects.filter(notice__number="DBF000001", slot=slot).count() == 1


def _unsaved_session(self, must_create=False):
    """SessionStore.save as Django's own does it when the database went away mid-save."""
    try:
        raise OperationalError("terminating connection due to unexpected postmaster exit")
    except OperationalError:
        raise UpdateError()  # noqa: B904 - exactly as django.contrib.sessions.backends.db does


@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_for_a_lost_database_is_503_not_400(citizen):
    """Django turns any database error while saving a session into "session deleted" (400)."""
    client, slot = citizen
    with mock.patch.object(SessionStore, "save", _unsaved_session):
        response = client.post("/session/extend/", {"next": f"/booking/slots/{slot.pk}/"})  # saves the session
    assert response.status_code == 503 and response["Retry-After"]


@pytest.mark.django_db
def test_other_errors_are_still_errors(citizen):
    client, slot = citizen
    client.raise_request_exception = False
    token = confirm_token(client, slot)
    with mock.patch("booking.web.views.booking.reservation_book", side_effect=RuntimeError("a bug")):
        response = client.post(f"/booking/slots/{slot.pk}/", {"email": "", "token": token})
    assert response.status_code == 500


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_database_that_refuses_connections_gives_503_everywhere_then_the_site_recovers(
        django_db_setup, django_db_blocker):
    """A real connection failure, met before any view runs (the city is looked up by host):
    the 500 handler answers 503; once the database is back, the same process serves again."""
    client = Client(HTTP_HOST="alpha.localhost", raise_request_exception=False)
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        try:
            for path in ("/", "/booking/", "/login/"):
                response = client.get(path)
                assert response.status_code == 503, path
                assert response["Retry-After"] and "しばらくしてから" in response.content.decode()
        finally:
            connection.close()
            connection.settings_dict.update(saved)
        assert client.get("/").status_code == 200
        connection.close()


# --- the cluster's configuration ------------------------------------------------------------
def test_cluster_configuration_renders_for_three_members(tmp_path):
    cluster_dir = tmp_path / "cluster"
    environment = dict(os.environ, MADOGUCHI_CLUSTER_DIR=str(cluster_dir))
    subprocess.run(["bash", str(CLUSTER_SCRIPT), "render"], env=environment, check=True, capture_output=True)
    members = {name: yaml.safe_load((cluster_dir / "conf" / f"{name}.yml").read_text())
               for name in ("pg1", "pg2", "pg3")}
    dcs = members["pg1"]["bootstrap"]["dcs"]
    assert dcs["synchronous_mode"] is True and dcs["synchronous_mode_strict"] is False
    assert dcs["primary_start_timeout"] == 0 and dcs["postgresql"]["use_pg_rewind"] is True
    assert dcs["loop_wait"] + 2 * dcs["retry_timeout"] <= dcs["ttl"]
    assert dcs["postgresql"]["parameters"]["archive_mode"] == "on"
    ports = set()
    for name, member in members.items():
        assert member["name"] == name and member["scope"] == "madoguchi"
        data_dir = member["postgresql"]["data_dir"]
        assert data_dir == str(cluster_dir / "data" / name)
        assert f"--pg1-path={data_dir} archive-push" in member["postgresql"]["parameters"]["archive_command"]
        assert f"--pg1-path={data_dir} archive-get" in member["postgresql"]["recovery_conf"]["restore_command"]
        for address in (member["postgresql"]["listen"], member["restapi"]["listen"]):
            host, port = address.split(":")
            assert host == "127.0.0.1"
            ports.add(int(port))
        reports = name == "pg3"
        assert member["tags"]["nofailover"] is reports and member["tags"]["nosync"] is reports
    assert len(ports) == 6  # every member listens on ports of its own
    backrest = (cluster_dir / "conf" / "pgbackrest.conf").read_text()
    for index, name in enumerate(("pg1", "pg2", "pg3"), start=1):
        assert f"pg{index}-path={cluster_dir / 'data' / name}\n" in backrest
    assert "@" not in re.sub(r"%q%u@%d", "", (cluster_dir / "conf" / "pg1.yml").read_text())
    # rendering again keeps the ports and passwords of the first time
    before = (cluster_dir / "cluster.env").read_text()
    subprocess.run(["bash", str(CLUSTER_SCRIPT), "render"], env=environment, check=True, capture_output=True)
    assert (cluster_dir / "cluster.env").read_text() == before
