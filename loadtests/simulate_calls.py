"""A simulated day of the call centre, driving the real distribution code with a simulated clock.

    make simulate-calls   (or: python -m devtools.localdb exec -- python loadtests/simulate_calls.py [options])

Three cities, 8:30–17:30, Poisson arrivals (300 calls an hour in all by default, split 40/35/25);
callers speak Japanese mostly, some English, Chinese, Korean, Spanish, Portuguese. Each call goes
through the same services as a real one, in a database of its own (`madoguchi_sim`): the call's
record in its city, the public route, `call_enqueue` (longest-idle operator with the language and
the city, `SELECT … FOR UPDATE SKIP LOCKED`), the answer, the hang-up and wrap-up, and
`operator_ready`, which takes the longest-waiting call. Talk times are log-normal (mean 330 s), then
30 s of wrap-up: 360 s of handle time, as in the published Erlang figure. Callers give up after an
exponential patience (mean 180 s); those still waiting after the city's longest wait (120 s) go to
the automated menu. The day's figures come from the product's own statistics (`service_level`),
beside the Erlang C and Erlang A predictions for the same load.
"""
from __future__ import annotations

import argparse
import datetime as dt
import heapq
import itertools
import math
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import use_bench_database  # noqa: E402

CITIES = [("sim_north", "北市", 0.40), ("sim_east", "東市", 0.35), ("sim_south", "南市", 0.25)]
LANGUAGES = [("ja", 0.90), ("en", 0.06), ("zh-hans", 0.02), ("ko", 0.01), ("es", 0.005), ("pt-br", 0.005)]
TALK_MEAN, TALK_SIGMA, WRAP_UP, RING = 330.0, 0.6, 30.0, 3.0
START = dt.datetime(2026, 6, 1, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls-per-hour", type=float, default=300)
    parser.add_argument("--operators", type=int, default=38)
    parser.add_argument("--hours", type=float, default=9)
    parser.add_argument("--patience", type=float, default=180, help="callers' mean patience (s)")
    parser.add_argument("--max-wait", type=int, default=120, help="the cities' longest wait before the IVR (s)")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def setup(args):
    from django.db import connection
    from django_tenants.utils import tenant_context

    from platform_console.services.onboarding import WardSpec, onboard_municipality
    from telephony_adapter.models import CallCentreSettings, CallRecord
    from telephony_adapter.routing.models import CallRoute, OperatorPresence
    from tenants.models import Membership, Municipality, Role, User

    cities = []
    for slug, name, _share in CITIES:
        city = Municipality.objects.filter(schema_name=slug).first()
        if city is None:
            host = slug.replace("_", "-")
            city = onboard_municipality(slug=slug, name=name, domains=[f"{host}.localhost"],
                                        wards=[WardSpec("chuo", "中央区")], admin_username=f"{host}-admin",
                                        admin_email=f"admin@{host}.example.org").municipality
            connection.set_schema_to_public()
        with tenant_context(city):  # a fresh day: no calls of earlier runs
            CallRecord.objects.all().delete()
            CallCentreSettings.objects.all().delete()
            CallCentreSettings.objects.create(max_queue_wait_seconds=args.max_wait)
        cities.append(city)
    CallRoute.objects.filter(municipality__in=cities).delete()
    User.objects.filter(username__startswith="sim-op-").delete()
    rng = random.Random(args.seed)
    operators = []
    for n in range(args.operators):
        skills = ["ja"] + (["en"] if n % 3 == 0 else []) + (["zh-hans"] if n % 9 == 1 else []) \
            + (["ko"] if n % 12 == 2 else []) + (["es", "pt-br"] if n % 15 == 4 else [])
        user = User.objects.create(username=f"sim-op-{n:03d}", language_skills=skills)
        for city in cities:
            Membership.objects.create(user=user, municipality=city, role=Role.OPERATOR)
        OperatorPresence.objects.create(user=user, status="offline", since=START)
        operators.append(user)
    rng.shuffle(operators)
    return cities, operators


class Day:
    """The event loop: arrivals, answers, hang-ups, wrap-ups, patience running out."""

    def __init__(self, args, cities, operators):
        self.args, self.cities, self.operators = args, cities, operators
        self.rng = random.Random(args.seed)
        self.events: list = []
        self.sequence = itertools.count()
        self.calls: dict[str, dict] = {}
        self.by_city = {city.pk: city for city in cities}

    def at(self, moment, kind, payload):
        heapq.heappush(self.events, (moment, next(self.sequence), kind, payload))

    def run(self) -> float:
        from telephony_adapter.services.distribution import operator_ready

        for user in self.operators:
            operator_ready(user=user, now=START)
        end = START + dt.timedelta(hours=self.args.hours)
        for (_slug, _name, share), city in zip(CITIES, self.cities, strict=True):
            rate = self.args.calls_per_hour * share / 3600.0
            moment = START
            while True:
                moment += dt.timedelta(seconds=self.rng.expovariate(rate))
                if moment >= end:
                    break
                self.at(moment, "arrive", city)
        started = time.perf_counter()
        while self.events:
            moment, _seq, kind, payload = heapq.heappop(self.events)
            getattr(self, kind)(moment, payload)
        return time.perf_counter() - started

    def _language(self) -> str:
        pick, total = self.rng.random(), 0.0
        for language, share in LANGUAGES:
            total += share
            if pick < total:
                return language
        return "ja"

    def arrive(self, now, city):
        from django_tenants.utils import tenant_context

        from telephony_adapter.services.calls import call_record_open
        from telephony_adapter.services.distribution import call_enqueue, route_open

        call_id = f"CAsim{len(self.calls):06d}"
        language = self._language()
        route = route_open(provider="twilio", call_id=call_id, municipality=city, language=language, now=now)
        with tenant_context(city):
            record = call_record_open(provider="twilio", call_id=call_id, caller="", dialled="", in_hours=True,
                                      now=now)
            type(record).objects.filter(pk=record.pk).update(language=language, enqueued_at=now)
        self.calls[call_id] = {"route": route, "city": city}
        route = call_enqueue(route=route, now=now)
        if route.operator_id:
            self.at(now + dt.timedelta(seconds=RING), "answer", call_id)
        else:
            patience = self.rng.expovariate(1 / self.args.patience)
            if patience < self.args.max_wait:
                self.at(now + dt.timedelta(seconds=patience), "give_up", call_id)
            else:
                self.at(now + dt.timedelta(seconds=self.args.max_wait), "overflow", call_id)

    def _route(self, call_id):
        from telephony_adapter.routing.models import CallRoute

        return CallRoute.objects.get(pk=self.calls[call_id]["route"].pk)

    def answer(self, now, call_id):
        from django_tenants.utils import tenant_context

        from telephony_adapter.services.calls import call_answered, call_record

        route = self._route(call_id)
        with tenant_context(self.calls[call_id]["city"]):
            call_answered(route=route, call=call_record(route), now=now)
        talk = self.rng.lognormvariate(math.log(TALK_MEAN) - TALK_SIGMA ** 2 / 2, TALK_SIGMA)
        self.at(now + dt.timedelta(seconds=talk), "hang_up", call_id)

    def hang_up(self, now, call_id):
        from django_tenants.utils import tenant_context

        from telephony_adapter.services.calls import call_hung_up, call_record

        route = self._route(call_id)
        with tenant_context(self.calls[call_id]["city"]):
            call_hung_up(route=route, call=call_record(route), now=now)
        self.at(now + dt.timedelta(seconds=WRAP_UP), "wrapped_up", (call_id, route.operator_id))

    def wrapped_up(self, now, payload):
        from django_tenants.utils import tenant_context

        from telephony_adapter.services.calls import call_outcome_set, call_record
        from telephony_adapter.services.distribution import operator_ready
        from tenants.models import User

        call_id, operator_id = payload
        route = self._route(call_id)
        with tenant_context(self.calls[call_id]["city"]):
            call_outcome_set(call=call_record(route), outcome="booked", now=now)
        taken = operator_ready(user=User.objects.get(pk=operator_id), now=now)
        if taken is not None:
            self.at(now + dt.timedelta(seconds=RING), "answer", taken.call_id)

    def _still_waiting(self, call_id):
        route = self._route(call_id)
        return route if route.status == "waiting" else None

    def give_up(self, now, call_id):
        from django_tenants.utils import tenant_context

        from telephony_adapter.services.calls import call_hung_up, call_record

        route = self._still_waiting(call_id)
        if route is not None:
            with tenant_context(self.calls[call_id]["city"]):
                call_hung_up(route=route, call=call_record(route), now=now)

    def overflow(self, now, call_id):
        from django_tenants.utils import tenant_context

        from telephony_adapter.services.calls import call_hung_up, call_record
        from telephony_adapter.services.distribution import route_back_to_ivr

        route = self._still_waiting(call_id)
        if route is not None and route_back_to_ivr(route=route):
            with tenant_context(self.calls[call_id]["city"]):  # the caller books in the IVR, then hangs up
                call_hung_up(route=route, call=call_record(route), now=now + dt.timedelta(seconds=90))


def report(args, cities, operators, seconds: float) -> None:
    from django_tenants.utils import tenant_context

    from telephony_adapter.routing.models import OperatorPresence
    from telephony_adapter.selectors.statistics import ServiceLevel, service_level
    from telephony_adapter.staffing import erlang_a, erlang_c, erlang_c_asa, erlang_c_service_level

    end = START + dt.timedelta(hours=args.hours, minutes=30)
    total = ServiceLevel()
    print(f"\nA simulated day: {args.hours:g} h, {args.calls_per_hour:g} calls/h over three cities, "
          f"{args.operators} operators, patience {args.patience:g} s, overflow to the IVR after {args.max_wait} s")
    print(f"{'city':12} {'calls':>6} {'answered':>9} {'answer rate':>12} {'abandoned':>10} {'overflow':>9} "
          f"{'in 20 s':>8} {'ASA':>7} {'AHT':>7}")
    for city in cities:
        with tenant_context(city):
            level = service_level(start=START, end=end)
        total = total + level
        _row(city.schema_name, level)
    _row("all", total)
    taken = sorted(OperatorPresence.objects.filter(user__in=operators).values_list("calls_taken", flat=True))
    print(f"\ncalls per operator: min {taken[0]}, median {statistics.median(taken):g}, max {taken[-1]}, "
          f"stdev {statistics.pstdev(taken):.1f} (at most one live call each: a unique index says so)")
    buckets = {}
    for count in taken:
        buckets[count // 5 * 5] = buckets.get(count // 5 * 5, 0) + 1
    print("  distribution: " + ", ".join(f"{low}–{low + 4}: {n}" for low, n in sorted(buckets.items())))
    traffic = args.calls_per_hour * (TALK_MEAN + WRAP_UP) / 3600
    print(f"\nErlang C for {args.operators} operators, {traffic:.1f} erlangs: "
          f"P(wait) {100 * erlang_c(args.operators, traffic):.1f} %, answered within 20 s "
          f"{100 * erlang_c_service_level(args.operators, traffic, TALK_MEAN + WRAP_UP, 20):.1f} %, "
          f"ASA {erlang_c_asa(args.operators, traffic, TALK_MEAN + WRAP_UP):.1f} s")
    a = erlang_a(args.operators, args.calls_per_hour, TALK_MEAN + WRAP_UP, args.patience, 20)
    print(f"Erlang A with {args.patience:g} s patience: answer rate {100 * a.answer_rate:.1f} %, "
          f"abandonment {100 * a.abandon_probability:.1f} %, answered within 20 s {100 * a.service_level:.1f} %")
    print(f"measured: answer rate {_pct(total.answer_rate)}, answered within 20 s {_pct(total.service_level)}, "
          f"abandonment {_pct(total.abandonment_rate)}, overflow {_pct(total.overflowed / total.offered)}")
    print(f"({total.calls} calls went through the services in {seconds:.0f} s of real time)")


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _row(name, level) -> None:
    print(f"{name:12} {level.calls:6d} {level.answered:9d} {_pct(level.answer_rate):>12} {level.abandoned:10d} "
          f"{level.overflowed:9d} {_pct(level.service_level):>8} {level.asa_seconds or 0:6.1f}s "
          f"{level.handle_seconds or 0:6.0f}s")


def main() -> None:
    args = parse()
    use_bench_database("madoguchi_sim")
    cities, operators = setup(args)
    day = Day(args, cities, operators)
    seconds = day.run()
    report(args, cities, operators, seconds)


if __name__ == "__main__":
    main()
