"""What the automated voice says (CC-8, CC-11, CC-13), from the gettext catalogues in every language.

Each function returns `Say` prompts in the caller's language; nothing spoken is written in code
outside `gettext`. Names a city wrote (its own, its places') come from the city's data.
"""
from __future__ import annotations

import datetime as dt

from django.utils import formats, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from booking.clock import local
from telephony_adapter.providers.base import Say

DIGIT_WORDS = "0123456789"


def _say(language: str, text) -> Say:
    return Say(str(text), language)


def spoken_time(moment: dt.datetime, language: str) -> str:
    moment = local(moment)
    with translation.override(language):
        return _("%(weekday)s %(date)s at %(time)s") % {
            "weekday": WEEKDAYS[moment.weekday()], "date": formats.date_format(moment.date(), "MONTH_DAY_FORMAT"),
            "time": f"{moment:%H:%M}"}


def language_menu(languages: list[str]) -> list[Say]:
    """'For English, press 2' — each line in its own language."""
    prompts = []
    for digit, language in enumerate(languages, start=1):
        with translation.override(language):
            # Translators: name your own language instead of English (each line is said in its language).
            prompts.append(_say(language, _("To continue in English, press %(digit)s.") % {"digit": digit}))
    return prompts


def welcome(language: str, city_name: str) -> Say:
    with translation.override(language):
        return _say(language, _("Thank you for calling the My Number Card booking line of %(city)s.") % {
            "city": city_name})


def main_menu(language: str, *, in_hours: bool, hours: tuple[dt.time, dt.time], overflow: bool = False) -> list[Say]:
    with translation.override(language):
        lines = []
        if overflow:
            lines.append(_("We are sorry: all our operators are still busy."))
        elif not in_hours:
            lines.append(_("Our lines are closed now. Operators answer on weekdays from %(opens)s to %(closes)s, "
                           "except on holidays and from 29 December to 3 January.") % {
                "opens": f"{hours[0]:%H:%M}", "closes": f"{hours[1]:%H:%M}"})
        if in_hours and not overflow:
            lines.append(_("To speak to an operator, press 1."))
        lines.append(_("To hear, make or cancel your booking with the keypad, press 2."))
        lines.append(_("To be called back, press 3."))
        return [_say(language, line) for line in lines]


def ask_number(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Enter the notice number printed on your postcard, then press the hash key. "
                                 "For a letter, press the key that shows it: A, B or C is 2. "
                                 "You may also say the number."))]


def ask_day(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Enter the day of your birth, from 1 to 31, then press the hash key."))]


def ask_month(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Enter the month of your birth, from 1 to 12, then press the hash key."))]


def message(language: str, text) -> list[Say]:
    """A message already marked for translation (e.g. a booking error), said in `language`."""
    with translation.override(language):
        return [_say(language, text)]


def login_failed(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("The notice number or the day of birth is not correct. Please try again."))]


def booking_menu(language: str, *, booking: str | None, in_hours: bool) -> list[Say]:
    with translation.override(language):
        if booking:
            lines = [_("Your booking is on %(when)s.") % {"when": booking},
                     _("To cancel it, press 1."), _("To move it to another time, press 2.")]
        else:
            lines = [_("This notice has no booking."), _("To hear the next free times, press 2.")]
        lines.append(_("To hear this again, press 0."))
        if in_hours:
            lines.append(_("To speak to an operator, press 9."))
        return [_say(language, line) for line in lines]


def slot_choices(language: str, choices: list[str]) -> list[Say]:
    with translation.override(language):
        if not choices:
            return [_say(language, _("There is no free time to book in the coming weeks. Please call again later."))]
        lines = [_("Here are the next free times.")]
        lines += [_("For %(when)s, press %(digit)s.") % {"when": when, "digit": digit}
                  for digit, when in enumerate(choices, start=1)]
        lines.append(_("To hear them again, press 0."))
        return [_say(language, line) for line in lines]


def booked(language: str, *, when: str, code: str, moved: bool) -> list[Say]:
    with translation.override(language):
        first = (_("Your booking was moved to %(when)s.") if moved else _("Your booking is confirmed for %(when)s."))
        return [_say(language, first % {"when": when}),
                _say(language, _("Your booking code is %(code)s.") % {"code": " ".join(code)}),
                _say(language, _("Please bring the notice postcard and an identity document."))]


def confirm_cancel(language: str, when: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("To cancel your booking on %(when)s, press 1. To keep it, press 2.") % {"when": when})]


def cancelled(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Your booking was cancelled."))]


def callback_taken(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("We will call you back at the number you are calling from, "
                                 "during our opening hours."))]


def goodbye(language: str) -> Say:
    with translation.override(language):
        return _say(language, _("Thank you for calling. Goodbye."))


def not_understood(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Sorry, that was not one of the choices."))]


def connecting(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Connecting you to an operator."))]


def queue_position(language: str, position: int) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("All our operators are busy. You are number %(position)s in the queue. "
                                 "Please stay on the line.") % {"position": position})]


def locked(language: str, *, in_hours: bool) -> list[Say]:
    with translation.override(language):
        lines = [_("This notice is locked after too many failed attempts. An operator can unlock it.")]
        if in_hours:
            lines.append(_("To speak to an operator, press 1."))
        lines.append(_("To be called back, press 3."))
        return [_say(language, line) for line in lines]


def too_many_attempts(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Too many failed attempts from this phone. Please call again later."))]


def unknown_number() -> list[Say]:
    with translation.override("ja"):
        return [_say("ja", _("This number is not in service."))]


def transferring(language: str) -> list[Say]:
    with translation.override(language):
        return [_say(language, _("Transferring you to the ward office."))]


# The languages the automated voice speaks (CC-8); a city's menu offers those it enabled.
SPOKEN_LANGUAGES = ("ja", "en", "zh-hans", "ko", "es", "pt-br")
