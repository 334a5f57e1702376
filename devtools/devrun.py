"""`make run`: the whole product on one machine.

Uses DATABASE_URL / CELERY_BROKER_URL when they are set; otherwise starts the project's own
PostgreSQL under var/ and lets Celery use the filesystem transport. Migrates, seeds the demo,
then runs the processes of platform/Procfile (web server, Celery worker and beat, outbox relay,
monitor) under devtools.supervisor, which starts again any process that dies, so one dead
process never stops the rest; the embedded PostgreSQL is watched too and brought back on its
port if it stops. Ctrl-C stops all of them, and the embedded PostgreSQL if this run started it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from devtools.localdb import LocalPostgres, database_environment
from devtools.supervisor import Supervisor, read_procfile

ROOT = Path(__file__).resolve().parent.parent
# The call centre's demo: Chiba's toll-free number (platform_console.demo.CHIBA) and the Twilio auth
# token webhooks are signed with on this machine (config.settings.base's default of TWILIO_AUTH_TOKEN).
DEMO_TOLL_FREE = "0120-000-000"
DEMO_TWILIO_AUTH_TOKEN = "madoguchi-demo-twilio-token"


def _manage(environment: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True)


def _banner(environment: dict) -> str:
    port = served_port(environment)
    broker = environment.get("CELERY_BROKER_URL") or "filesystem transport under var/broker"
    database = environment["DATABASE_URL"].split("@")[-1]
    lines = [
        "",
        "madoguchi is starting. Point a browser at:",
        f"  citizen site (Chiba):  http://chiba.localhost:{port}/",
        f"  staff console (Chiba): http://chiba.localhost:{port}/staff/",
        f"  operator console:      http://localhost:{port}/operator/",
        f"  platform console:      http://localhost:{port}/platform/",
        f"  outbox (local mail):   http://localhost:{port}/outbox/",
        f"  voice webhook (Twilio): http://localhost:{port}/telephony/twilio/voice/ — toll-free "
        f"{DEMO_TOLL_FREE} rings 千葉市; TWILIO_AUTH_TOKEN={environment.get('TWILIO_AUTH_TOKEN', '')}",
        f"  service status:        http://localhost:{port}/status/ and http://chiba.localhost:{port}/status/",
        f"  incidents, on call:    http://localhost:{port}/operations/",
        f"  database: {database}   task queue: {broker}",
        "  (*.localhost resolves to this machine in browsers; with curl use -H 'Host: chiba.localhost')",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def served_port(environment: dict) -> str:
    """The port `make run` serves on (MADOGUCHI_BIND, default 0.0.0.0:8000)."""
    return environment.get("MADOGUCHI_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]


def link_environment(environment: dict) -> dict:
    """Absolute links in mails and consoles point where this run actually serves."""
    environment.setdefault("MADOGUCHI_SITE_PORT", served_port(environment))
    return environment


def database_keepalive(server: LocalPostgres, url: str):
    """Brings the embedded PostgreSQL back on the same port if it stopped (the processes keep their URL)."""
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])

    def check() -> None:
        if server.running_port() is None:
            print(f"embedded PostgreSQL is not running; starting it again on port {port}", flush=True)
            server.ensure_running(port=port)

    return check


def main() -> int:
    own_database = not os.environ.get("DATABASE_URL")
    environment, embedded = database_environment()
    link_environment(environment)
    environment.setdefault("TWILIO_AUTH_TOKEN", DEMO_TWILIO_AUTH_TOKEN)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    environment["PYTHONUNBUFFERED"] = "1"
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    try:
        _manage(environment, "setup_platform")
        _manage(environment, "seed_demo")
        _manage(environment, "on_call", "--demo")  # who the demo's monitor calls (mails in the outbox)
        _manage(environment, "collectstatic", "--noinput", "--verbosity", "0")
        print(_banner(environment), flush=True)
        keepalive = database_keepalive(LocalPostgres(), environment["DATABASE_URL"]) if own_database else None
        supervisor = Supervisor(read_procfile(ROOT / "platform" / "Procfile"), environment=environment, cwd=ROOT,
                                keepalive=keepalive)

        def stop(_signum, _frame):
            supervisor.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        return supervisor.run()
    finally:
        if embedded is not None:
            embedded.stop()
            print("embedded PostgreSQL stopped", flush=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
