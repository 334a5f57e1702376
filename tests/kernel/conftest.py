"""A broker that is not there: Celery pointed at a closed port of this machine."""
from __future__ import annotations

import socket

import pytest

from config.celery import app, network_transport_options


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free now, and nobody listens on it


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks go to a broker that refuses connections (as a stopped Redis does); restored afterwards."""
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app.conf.broker_transport_options = network_transport_options()
    _forget_connections()
    yield
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = saved
    _forget_connections()
