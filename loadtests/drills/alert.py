"""Drill: the worker dies; the on-call is mailed and called until they acknowledge (SEC-4); the status
page shows the incident and its resolution (SEC-6).

    make drill-alert             (python -m devtools.localdb exec -- python loadtests/drills/alert.py)

From nothing: a fresh database of its own with a city, a platform on-call policy (one person, by
mail and phone, every --repeat minutes), a Redis of the drill's own, an SMTP sink and a fake phone
carrier (loadtests/drills/drill_carrier.py) at the edge, and the product's processes (web, worker,
beat, outbox relay, monitor). The worker is SIGKILLed and stays dead; the drill waits for the
incident on the city's status page, for the calls and mails of two rounds, then presses 1 on the
last call (the carrier posts to the gather action URL), starts the worker again and waits for the
resolution on the status page, checking that no call came after the acknowledgement.

Ends with one line: the timeline in seconds after the kill. Exit status 1 if a step did not happen.
"""
from __future__ import annotations

import argparse
import json
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import (
    HERE,
    ROOT,
    Redis,
    free_port,
    one_line,
    prepare,
    procfile,
    product_environment,
    start_sink,
    wait_http,
)

CITY, DOMAIN = "drill_alert", "drill-alert.localhost"
ON_CALL = "oncall@drill.example.jp"
# the city's page is in its language (Japanese): the catalogue's words for the worker's incident
INCIDENT_TEXT = "送信処理（ワーカー）が動いていません"
ALL_WELL = "すべてのサービスは正常に稼働しています"
RESOLVED = "過去3日間に解決した障害"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="minutes between rounds of calls (the policy)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds to let happen before acknowledging")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args(argv)


class Timeline:
    def __init__(self):
        self.zero = time.monotonic()
        self.events: dict[str, float] = {}

    def mark(self, name: str) -> None:
        self.events.setdefault(name, time.monotonic() - self.zero)
        print(f"drill-alert: {self.events[name]:6.1f} s  {name}", flush=True)


def page(port: int, host: str, path: str) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8", "replace")


def calls(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def wait_until(predicate, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def main(argv=None) -> int:
    args = parse_args(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="drill-alert-"))
    print("drill-alert: preparing a fresh database, the city and the on-call policy ...", flush=True)
    database_url, _city, _notices = prepare("madoguchi_drill_alert", CITY, DOMAIN, 20)
    from operations.services.escalation import policy_set

    policy_set(scope="", repeat_minutes=args.repeat, contacts=[
        {"name": "drill on-call", "email": ON_CALL, "phone": "+81-3-0000-0000", "language": "en"}])
    sink, smtp_port, smtp = start_sink()
    (run_dir / "var").mkdir()
    redis = Redis(run_dir / "redis")
    redis.start()
    port, secret, carrier_log = free_port(), secrets.token_hex(8), run_dir / "carrier.jsonl"
    environment = product_environment(
        DATABASE_URL=database_url, CELERY_BROKER_URL=redis.url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp_port,
        MADOGUCHI_BIND=f"127.0.0.1:{port}", MADOGUCHI_SITE_PORT=port, WEB_CONCURRENCY=1, WORKER_CONCURRENCY=2,
        MADOGUCHI_VAR_DIR=run_dir / "var", PYTHONPATH=f"{HERE}:{ROOT}",
        OPERATIONS_TELEPHONY_MODULE="drill_carrier", DRILL_CARRIER_LOG=carrier_log, DRILL_CARRIER_SECRET=secret,
        OPERATIONS_CHECK_SECONDS=5, OPERATIONS_WORKER_STALE_SECONDS=15, OPERATIONS_PROBE_EVERY_SECONDS=30,
        OPERATIONS_STATUS_FRESH_SECONDS=10, OPERATIONS_PROBE_BASE_URL=f"http://127.0.0.1:{port}")
    from devtools.supervisor import Supervisor

    lines = procfile()
    log = open(run_dir / "processes.log", "a")  # noqa: SIM115 - open for the whole run
    supervisor = Supervisor({name: lines[name] for name in ("web", "beat", "relay", "monitor")},
                            environment=environment, cwd=ROOT, output=log)
    threading.Thread(target=supervisor.run, daemon=True).start()

    def start_worker() -> subprocess.Popen:  # not supervised: a worker that stays dead until someone acts
        return subprocess.Popen(["/bin/sh", "-c", f"exec {lines['worker']}"], cwd=ROOT, env=environment,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    worker = start_worker()
    timeline, ok, figures = None, True, {}
    try:
        wait_http(f"http://127.0.0.1:{port}/", DOMAIN)
        if not wait_until(lambda: ALL_WELL in page(port, DOMAIN, "/status/"),
                          120, 1):
            raise RuntimeError("the status page never showed everything working")
        from operations.models import Heartbeat

        if not wait_until(lambda: Heartbeat.objects.filter(name="worker").exists(), 120, 1):
            raise RuntimeError("the worker never answered the monitor's heartbeat")
        print("drill-alert: stack up, the worker answers, status page all operational; SIGKILL of the worker",
              flush=True)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        timeline = Timeline()
        timeline.mark("worker killed")
        ok &= wait_until(lambda: INCIDENT_TEXT in page(port, DOMAIN, "/status/"), 120)
        timeline.mark("incident on the city's status page")

        def called(n: int) -> bool:
            return len(calls(carrier_log)) >= n

        for round_number in range(1, args.rounds + 1):
            ok &= wait_until(lambda n=round_number: called(n), 60 * args.repeat + 60)
            timeline.mark(f"round {round_number}: call {len(calls(carrier_log))}, "
                          f"mails {sink.by_recipient().get(ON_CALL, 0)}")
        last = calls(carrier_log)[-1]
        gather = urllib.parse.urlsplit(last["gather_action_url"])
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{gather.path}?{gather.query}", data=b"Digits=1&CallSid=" + last["id"].encode(),
            headers={"Host": gather.hostname, "X-Drill-Carrier": secret})
        with urllib.request.urlopen(request, timeout=10) as response:
            answered = response.read().decode()
        ok &= "acknowledged" in answered
        timeline.mark("pressed 1 on the call: acknowledged")
        calls_at_ack = len(calls(carrier_log))
        mails_at_ack = sink.by_recipient().get(ON_CALL, 0)
        worker = start_worker()
        timeline.mark("worker started again by the on-call")
        ok &= wait_until(lambda: ALL_WELL in page(port, DOMAIN, "/status/")
                         and RESOLVED in page(port, DOMAIN, "/status/"), 180)
        timeline.mark("status page: resolved, all operational")
        quiet_until = timeline.events["pressed 1 on the call: acknowledged"] + 60 * args.repeat + 10
        time.sleep(max(quiet_until - (time.monotonic() - timeline.zero), 0))
        after_ack_calls = len(calls(carrier_log)) - calls_at_ack
        resolution_mails = sink.by_recipient().get(ON_CALL, 0) - mails_at_ack
        ok &= after_ack_calls == 0 and resolution_mails == 1
        events = timeline.events
        figures = {
            "incident on status page": f"{events[next(k for k in events if k.startswith('incident'))]:.0f} s",
            "calls": calls_at_ack, "alert mails": mails_at_ack,
            "rounds": " / ".join(f"{events[k]:.0f} s" for k in events if k.startswith("round")),
            "interval": f"{args.repeat} min",
            "acknowledged (phone key)": f"{events['pressed 1 on the call: acknowledged']:.0f} s",
            "calls after acknowledgement": after_ack_calls,
            "resolved on status page": f"{events['status page: resolved, all operational']:.0f} s",
            "resolution mail": resolution_mails,
        }
    except Exception as error:  # noqa: BLE001 - the drill reports what did not happen
        ok = False
        print(f"drill-alert: {error}", file=sys.stderr)
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
        supervisor.stopping.set()
        supervisor.stop_all()
        redis.stop()
        smtp.shutdown()
        log.close()
    print(one_line("drill-alert", figures or {"failed": "see above"}), flush=True)
    if args.keep or not ok:
        print(f"run folder kept: {run_dir}")
    else:
        import shutil

        shutil.rmtree(run_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
