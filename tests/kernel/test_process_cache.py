"""What a process keeps for a few seconds runs out, can be forgotten, and never grows unbounded."""
from __future__ import annotations

from kernel import process_cache
from kernel.process_cache import MISSING, ProcessCache


def test_a_value_is_kept_for_its_seconds_only(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: clock[0])
    kept = ProcessCache()
    kept.put("chiba.localhost", None, 5)  # an unknown host is remembered too
    assert kept.get("chiba.localhost") is None
    clock[0] += 4.9
    assert kept.get("chiba.localhost") is None
    clock[0] += 0.2
    assert kept.get("chiba.localhost") is MISSING


def test_nothing_is_kept_for_zero_seconds_and_a_change_forgets_at_once():
    kept = ProcessCache()
    kept.put("a", 1, 0)
    assert kept.get("a") is MISSING
    kept.put("a", 1, 60)
    kept.put("b", 2, 60)
    kept.discard("a")
    assert kept.get("a") is MISSING and kept.get("b") == 2
    kept.clear()
    assert kept.get("b") is MISSING


def test_it_starts_afresh_rather_than_grow():
    kept = ProcessCache(max_entries=3)
    for host in ("a", "b", "c"):
        kept.put(host, host, 60)
    kept.put("d", "d", 60)
    assert [kept.get(host) for host in "abcd"] == [MISSING, MISSING, MISSING, "d"]


def test_kept_makes_a_value_once_while_it_is_kept_and_every_time_with_no_lifetime():
    cache, made = ProcessCache(), []

    def make():
        made.append(1)
        return len(made)

    assert cache.kept("k", make, 60) == 1 and cache.kept("k", make, 60) == 1
    assert cache.kept("none", lambda: None, 60) is None and cache.kept("none", make, 60) is None  # None is kept too
    assert cache.kept("brief", make, 0) == 2 and cache.kept("brief", make, 0) == 3
