"""Print the mutation score of the last `mutmut run` and every surviving mutant (make mutate)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    mutmut = str(Path(sys.executable).parent / "mutmut")
    subprocess.run([mutmut, "export-cicd-stats"], check=True, stdout=subprocess.DEVNULL)
    stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
    killed = stats["killed"] + stats.get("timeout", 0) + stats.get("segfault", 0)
    survived = stats["survived"]
    untested = stats.get("no_tests", 0)
    judged = killed + survived + untested
    print(f"mutants: {stats['total']}, killed {killed}, survived {survived}, no tests {untested}, "
          f"skipped {stats.get('skipped', 0)}, suspicious {stats.get('suspicious', 0)}")
    if judged:
        print(f"mutation score: {100 * killed / judged:.1f} % ({killed} of {judged})")
    listing = subprocess.run([mutmut, "results"], capture_output=True, text=True, check=False).stdout
    survivors = [line.strip() for line in listing.splitlines()
                 if line.strip().endswith((": survived", ": no tests"))]
    if survivors:
        print("surviving mutants (mutmut show NAME):")
        for line in survivors:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
