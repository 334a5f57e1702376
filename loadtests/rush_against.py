"""The release rush of this checkout beside the release rush of an earlier commit, taking turns.

    make loadtest-against                           (against BASELINE, default: the commit before issue 13)
    make loadtest-against BASELINE=<commit> ROUNDS=4

On a shared two-core machine the same code books at very different rates from one hour to the
next (the same commit booked 59 per second one day and 41 the next on machines of this kind). A
figure is only comparable with a baseline measured in the same run. This runs
`loadtests/release_rush.py` of the baseline commit (its own code, its own scenario, its own
embedded PostgreSQL under its own var/, configured as this checkout's) and of this checkout in
turns, baseline first, ROUNDS times each, and prints every run's bookings/s and CPU per booking,
their medians and this checkout ÷ the baseline.

The baseline is a git worktree under var/baselines/<commit> (made once, kept for later runs);
its catalogues are compiled there. It runs with this checkout's virtualenv; an editable install
of this checkout is kept out of its imports (a sitecustomize on its PYTHONPATH), so each tree
runs only its own code.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ROOT / "var" / "baselines"
ISSUE_13_BASELINE = "8a41b37"  # the commit before the release rush was made fast (issue 13's "now")
RATE = re.compile(r"= (\d+(?:\.\d+)?) bookings/s over the")
CPU = re.compile(r"CPU per booking \(ms\):.*all (\d+(?:\.\d+)?)")

# Keeps a finder that maps this project's package names to another checkout (pip's editable
# install) out of the baseline's imports: its modules must come from its own tree only.
SITECUSTOMIZE = '''import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__name__", type(f).__name__).lower()]
'''


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def baseline_tree(commit: str) -> Path:
    """A worktree of `commit` under var/baselines/, with its catalogues compiled."""
    sha = git("rev-parse", "--verify", f"{commit}^{{commit}}")
    tree = BASELINES / sha[:12]
    if not (tree / "manage.py").exists():
        BASELINES.mkdir(parents=True, exist_ok=True)
        git("worktree", "prune")
        git("worktree", "add", "--force", "--detach", str(tree), sha)
    site = BASELINES / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    subprocess.run([sys.executable, "-m", "devtools.compilemessages"], cwd=tree, check=True,
                   env=baseline_environment(tree), capture_output=True)
    return tree


def baseline_environment(tree: Path) -> dict:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["PYTHONPATH"] = f"{tree}{os.pathsep}{BASELINES / 'site'}"
    return environment


def run_rush(tree: Path, label: str, rush_args: list[str]) -> dict:
    """One release rush of `tree`; its bookings/s and CPU per booking (None where not printed)."""
    if tree == ROOT:
        command = [sys.executable, "loadtests/release_rush.py", *rush_args]
        environment = dict(os.environ)
    else:  # the baseline's own embedded PostgreSQL, under its own var/
        command = [sys.executable, "-m", "devtools.localdb", "exec", "--", sys.executable,
                   "loadtests/release_rush.py", *rush_args]
        environment = baseline_environment(tree)
    done = subprocess.run(command, cwd=tree, env=environment, capture_output=True, text=True)
    output = done.stdout + done.stderr
    rate, cpu = RATE.search(output), CPU.search(output)
    if done.returncode != 0 or not rate:
        print(f"  {label}: the release rush failed (exit {done.returncode}):\n{output[-3000:]}", file=sys.stderr)
    return {
        "ok": done.returncode == 0 and rate is not None,
        "rate": float(rate.group(1)) if rate else None,
        "cpu": float(cpu.group(1)) if cpu else None,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=ISSUE_13_BASELINE,
                        help=f"commit to compare with, default {ISSUE_13_BASELINE} (before issue 13)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, in turns, default 3")
    parser.add_argument("rush_args", nargs="*", help="options for both release rushes (after --)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("at least one round")
    tree = baseline_tree(args.baseline)
    head = git("rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    print(f"release rush, this checkout ({head}{dirty}) against {args.baseline} ({tree.name}), "
          f"{args.rounds} rounds, taking turns", flush=True)
    runs: dict[str, list[dict]] = {"baseline": [], "this checkout": []}
    for round_number in range(1, args.rounds + 1):
        for label, where in (("baseline", tree), ("this checkout", ROOT)):
            run = run_rush(where, label, args.rush_args)
            runs[label].append(run)
            cpu = f", {run['cpu']:.1f} ms of CPU per booking" if run["cpu"] else ""
            rate = f"{run['rate']:.1f} bookings/s" if run["rate"] is not None else "failed"
            print(f"  round {round_number}, {label:13}: {rate}{cpu}", flush=True)
    medians = {}
    for label, these in runs.items():
        rates = [run["rate"] for run in these if run["ok"]]
        cpus = [run["cpu"] for run in these if run["ok"] and run["cpu"]]
        medians[label] = statistics.median(rates) if rates else None
        shown = ", ".join(f"{rate:.1f}" for rate in rates) or "none"
        median = f" (median {medians[label]:.1f})" if rates else ""
        cpu = f"; CPU per booking, median {statistics.median(cpus):.1f} ms" if cpus else ""
        print(f"  {label:13}: {shown} bookings/s{median}{cpu}")
    if medians["baseline"] and medians["this checkout"]:
        ratio = medians["this checkout"] / medians["baseline"]
        print(f"  this checkout ÷ baseline, bookings/s (medians): {ratio:.2f}")
    return 0 if all(run["ok"] for these in runs.values() for run in these) else 1


if __name__ == "__main__":
    sys.exit(main())
