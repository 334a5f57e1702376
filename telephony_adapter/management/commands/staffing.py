"""python manage.py staffing --calls-per-hour 300 --handle-seconds 360 --target 0.9 --within-seconds 20"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from telephony_adapter.staffing import agents_needed, erlang_a


class Command(BaseCommand):
    help = "Operators needed for a forecast (Erlang C), with the predicted service level (and Erlang A)."

    def add_arguments(self, parser):
        parser.add_argument("--calls-per-hour", type=float, required=True)
        parser.add_argument("--handle-seconds", type=float, required=True)
        parser.add_argument("--target", type=float, default=0.9, help="share answered in time, e.g. 0.9")
        parser.add_argument("--within-seconds", type=float, default=20)
        parser.add_argument("--patience-seconds", type=float, default=120,
                            help="callers' average patience for Erlang A (0: skip)")

    def handle(self, *args, **options):
        if options["calls_per_hour"] <= 0 or options["handle_seconds"] <= 0 or not 0 < options["target"] < 1:
            raise CommandError("calls per hour and handle time must be positive, the target between 0 and 1")
        result = agents_needed(calls_per_hour=options["calls_per_hour"], handle_seconds=options["handle_seconds"],
                               target=options["target"], within_seconds=options["within_seconds"])
        out = self.stdout
        out.write(f"operators needed: {result.agents}")
        out.write(f"traffic: {result.traffic:.2f} erlangs")
        out.write(f"predicted service level (Erlang C): {100 * result.service_level:.1f} % answered within "
                  f"{options['within_seconds']:g} s (target {100 * options['target']:.0f} %)")
        out.write(f"probability of waiting: {100 * result.probability_wait:.1f} %; "
                  f"average speed of answer: {result.asa_seconds:.1f} s")
        if options["patience_seconds"]:
            a = erlang_a(result.agents, options["calls_per_hour"], options["handle_seconds"],
                         options["patience_seconds"], options["within_seconds"])
            out.write(f"Erlang A with {options['patience_seconds']:g} s average patience: answer rate "
                      f"{100 * a.answer_rate:.1f} %, abandonment {100 * a.abandon_probability:.1f} %, "
                      f"answered within {options['within_seconds']:g} s {100 * a.service_level:.1f} %")
