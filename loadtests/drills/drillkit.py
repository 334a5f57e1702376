"""What the database drills share: a cluster of their own (platform/postgres/cluster.sh), its
state through Patroni's REST API, and a seeded city (the release rush's seeding).

Each drill runs its cluster in a folder of its own under var/drills/, made from nothing and
deleted afterwards (unless --keep), so a drill never touches var/cluster or the embedded
database of `make run`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOADTESTS = HERE.parent
ROOT = LOADTESTS.parent
CLUSTER_SCRIPT = ROOT / "platform" / "postgres" / "cluster.sh"
RESTORE_SCRIPT = ROOT / "platform" / "postgres" / "restore.sh"
MEMBERS = ("pg1", "pg2", "pg3")

sys.path.insert(0, str(LOADTESTS))


def drill_dir(name: str) -> Path:
    var_dir = Path(os.environ.get("MADOGUCHI_VAR_DIR", ROOT / "var"))
    return (var_dir / "drills" / name).resolve()


class Cluster:
    """A Patroni cluster in `folder`, driven through cluster.sh and Patroni's REST API."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.environment = dict(os.environ, MADOGUCHI_CLUSTER_DIR=str(folder))

    def run(self, *args: str, capture: bool = False) -> str:
        result = subprocess.run(["bash", str(CLUSTER_SCRIPT), *args], env=self.environment, check=True,
                                stdout=subprocess.PIPE if capture else None, text=True)
        return (result.stdout or "").strip()

    def start_fresh(self) -> float:
        """Delete whatever an earlier run left, make the cluster from nothing; seconds taken."""
        self.run("destroy")
        began = time.monotonic()
        self.run("start")
        return time.monotonic() - began

    def destroy(self) -> None:
        self.run("destroy")

    def url(self, reports: bool = False) -> str:
        return self.run("url", *(["--reports"] if reports else []), capture=True)

    def settings(self) -> dict[str, str]:
        pairs = (line.split("=", 1) for line in (self.folder / "cluster.env").read_text().splitlines()
                 if "=" in line and not line.startswith("#"))
        return dict(pairs)

    def superuser_url(self, member: str, database: str = "madoguchi") -> str:
        settings = self.settings()
        port = settings[f"PG{member[2:]}_PORT"]
        return f"postgres://postgres:{settings['SUPERUSER_PASSWORD']}@127.0.0.1:{port}/{database}"

    # --- Patroni's REST API --------------------------------------------------------------------
    def rest(self, member: str, path: str) -> tuple[int, dict]:
        port = self.settings()[f"REST{member[2:]}_PORT"]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=2) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read() or b"{}")
            except ValueError:
                return error.code, {}
        except (OSError, ValueError):
            return 0, {}

    def leader(self) -> str | None:
        for member in MEMBERS:
            if self.rest(member, "primary")[0] == 200:
                return member
        return None

    def roles(self) -> dict[str, str]:
        """member → leader / sync_standby / replica / down, as Patroni's /cluster sees it."""
        for member in MEMBERS:
            status, body = self.rest(member, "cluster")
            if status == 200 and body.get("members"):
                found = {entry["name"]: (entry["role"] if entry.get("state") in ("running", "streaming") else "down")
                         for entry in body["members"]}
                return {name: found.get(name, "down") for name in MEMBERS}
        return dict.fromkeys(MEMBERS, "down")

    def postmaster_pid(self, member: str) -> int:
        return int((self.folder / "data" / member / "postmaster.pid").read_text().split()[0])


def seed_city(database_url: str, city: str, domain: str, notices: int):
    """Migrate the platform and make `city` with `notices` notices, as the release rush does.

    Returns (municipality, [(notice number, day of birth)]). Django is set up in this process,
    on `database_url`, with mails sent at once into the drill's folder.
    """
    from argparse import Namespace

    os.environ["DATABASE_URL"] = database_url
    from benchdb import use_bench_database
    from release_rush import notice_numbers, prepare_city

    use_bench_database(name="madoguchi")  # the cluster's own database: setup_platform, Django set up
    municipality, _ = prepare_city(Namespace(city=city, domain=domain, notices=notices))
    return municipality, notice_numbers(notices)


def one_line(label: str, figures: dict[str, object]) -> str:
    return f"{label}: " + "; ".join(f"{key} {value}" for key, value in figures.items())
