"""Jobs raced against each other as web processes would: each in its own thread and database
connection (in `city`'s schema when given), all released at once."""
from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def race(jobs: list[Callable[[], object]], city=None, timeout: float = 60) -> list[object]:
    """What each job returned, or the exception it raised (a TimeoutError for a job that did not
    finish in time), in the jobs' order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [TimeoutError(f"did not finish within {timeout} s") for _ in jobs]

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            if city is not None:
                connection.set_tenant(city)
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - the caller judges every outcome
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
