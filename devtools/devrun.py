"""`make run`: the whole product on one machine.

Uses DATABASE_URL / CELERY_BROKER_URL when they are set; otherwise starts the project's own
PostgreSQL under var/ and lets Celery use the filesystem transport. Migrates, seeds the demo,
then runs web server, Celery worker and Celery beat together under honcho (platform/Procfile).
Ctrl-C stops all of them, and the embedded PostgreSQL if this run started it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from devtools.localdb import database_environment

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


def main() -> int:
    environment, embedded = database_environment()
    link_environment(environment)
    environment.setdefault("TWILIO_AUTH_TOKEN", DEMO_TWILIO_AUTH_TOKEN)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    environment["PYTHONUNBUFFERED"] = "1"
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    honcho = None
    try:
        _manage(environment, "setup_platform")
        _manage(environment, "seed_demo")
        _manage(environment, "collectstatic", "--noinput", "--verbosity", "0")
        print(_banner(environment), flush=True)
        honcho = subprocess.Popen(
            [str(Path(sys.executable).parent / "honcho"), "-f", str(ROOT / "platform" / "Procfile"),
             "-d", str(ROOT), "start"],
            env=environment,
        )

        def forward(signum, _frame):
            if honcho.poll() is None:
                honcho.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        return honcho.wait()
    finally:
        if honcho is not None and honcho.poll() is None:
            honcho.terminate()
            honcho.wait(timeout=20)
        if embedded is not None:
            embedded.stop()
            print("embedded PostgreSQL stopped", flush=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
