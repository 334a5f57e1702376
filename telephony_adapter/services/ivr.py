"""The automated voice (CC-8, CC-11, CC-13): language menu, main menu, self-service by keypad,
call-backs and the queue. A thin state machine over the booking services; every prompt comes from
`telephony_adapter.prompts` (the gettext catalogues).

Self-service logs in with the notice number and day of birth through `citizen_authenticate`,
with the caller's number as the client: the same counters and lock as the web (WEB-11). Bookings
and cancellations go through `reservation_book` and `reservation_cancel` with the IVR channel.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection

from booking.errors import (
    BookingError,
    ClientRefusedError,
    LoginFailedError,
    NoticeLockedError,
    NoticeNumberFormatError,
)
from booking.models import Channel
from booking.notice_numbers import normalise_notice_number
from booking.selectors.eligibility import active_reservation
from booking.selectors.lookups import notice_by_id, slot_by_id
from booking.selectors.phone import next_free_slots, notice_numbers_for_keypad
from booking.services.audit import Actor
from booking.services.citizen_login import citizen_authenticate
from booking.services.reservations import reservation_book, reservation_cancel
from telephony_adapter import prompts
from telephony_adapter.models import Callback, CallRecord, IvrSession, Outcome
from telephony_adapter.providers.base import Bridge, CallEvent, CallStatus, EventKind, Gather, Hangup, Next, Wait
from telephony_adapter.routing.models import CallRoute, RouteStatus
from telephony_adapter.selectors.hours import call_centre_settings, hours_on, lines_open
from telephony_adapter.services import distribution
from telephony_adapter.services.calls import call_answered, call_hung_up, call_record, call_record_open


class Menu:
    LANGUAGE = "language"
    MAIN = "main"
    OVERFLOW = "overflow"
    NUMBER = "number"
    DAY = "day"
    MONTH = "month"
    BOOKING = "booking"
    SLOTS = "slots"
    CANCEL = "cancel"
    LOCKED = "locked"
    QUEUE = "queue"
    DONE = "done"


MAX_RETRIES = 3


def operator_identity(user_id: int) -> str:
    """How the provider reaches an operator's phone or browser client."""
    return f"operator-{user_id}"


def incoming(*, provider: str, route: CallRoute, event: CallEvent, now: dt.datetime) -> list:
    policy = call_centre_settings()
    call = call_record_open(provider=provider, call_id=event.call_id, caller=event.caller, dialled=event.dialled,
                            in_hours=lines_open(now, policy), now=now)
    flow = Flow(route, call, now)
    languages = flow.languages
    if len(languages) > 1:
        return flow.finish(Menu.LANGUAGE, [flow.gather(prompts.language_menu(languages), num_digits=1)])
    flow.set_language(languages[0])
    return flow.main_menu(welcome=True)


def on_event(*, route: CallRoute, event: CallEvent, now: dt.datetime) -> list:
    call = call_record(route)
    if call is None:
        return [Hangup()]
    flow = Flow(route, call, now)
    if event.kind == EventKind.STATUS:
        if event.status in CallStatus.ENDED:
            call_hung_up(route=route, call=call, now=now)
        return []
    if event.kind == EventKind.OPERATOR_LEG:
        if event.status == CallStatus.ANSWERED:
            call_answered(route=route, call=call, now=now)
        return []
    if event.kind == EventKind.BRIDGE_ENDED:
        return flow.bridge_ended(event.status)
    if event.kind == EventKind.WAIT:
        return flow.queue_poll()
    return flow.input(event.digits, event.speech)


class Flow:
    def __init__(self, route: CallRoute, call: CallRecord, now: dt.datetime):
        self.route, self.call, self.now = route, call, now
        self.session: IvrSession = call.ivr
        self.city = connection.tenant
        self.policy = call_centre_settings()

    # --- plumbing ----------------------------------------------------------------------------
    @property
    def languages(self) -> list[str]:
        return [code for code in self.city.languages() if code in prompts.SPOKEN_LANGUAGES]

    @property
    def language(self) -> str:
        return self.call.language

    @property
    def in_hours(self) -> bool:
        return lines_open(self.now, self.policy)

    def next(self, kind: str) -> Next:
        self.session.step += 1
        return Next(kind, self.session.step)

    def gather(self, said, *, num_digits: int | None = None, speech: bool = False, timeout: int = 6) -> Gather:
        return Gather(prompts=tuple(said), then=self.next(EventKind.INPUT), language=self.language,
                      num_digits=num_digits, speech=speech, timeout=timeout)

    def finish(self, menu: str, actions: list) -> list:
        self.session.menu = menu
        self.session.save()
        return actions

    def set_language(self, language: str) -> None:
        self.call.language = language
        CallRecord.objects.filter(pk=self.call.pk).update(language=language)
        distribution.route_set_language(route=self.route, language=language)

    def goodbye(self, said=()) -> list:
        return self.finish(Menu.DONE, [Hangup(prompts=tuple(said) + (prompts.goodbye(self.language),))])

    def retry(self, menu: str, said) -> list:
        self.session.retries += 1
        if self.session.retries >= MAX_RETRIES:
            return self.goodbye(prompts.not_understood(self.language))
        return self.finish(menu, [self.gather(list(prompts.not_understood(self.language)) + list(said),
                                              num_digits=1)])

    def _hours(self) -> tuple[dt.time, dt.time]:
        today = hours_on(self.now.date(), self.policy)
        return today or (self.policy.opens_at, self.policy.closes_at)

    # --- menus -------------------------------------------------------------------------------
    def main_menu(self, *, welcome: bool = False, overflow: bool = False) -> list:
        said = [prompts.welcome(self.language, self.city.display_name(self.language))] if welcome else []
        said += prompts.main_menu(self.language, in_hours=self.in_hours, hours=self._hours(), overflow=overflow)
        self.session.retries = 0
        return self.finish(Menu.OVERFLOW if overflow else Menu.MAIN, [self.gather(said, num_digits=1)])

    def input(self, digits: str, speech: str) -> list:
        menu = self.session.menu
        handler = {
            Menu.LANGUAGE: self._language, Menu.MAIN: self._main, Menu.OVERFLOW: self._overflow,
            Menu.NUMBER: self._number, Menu.DAY: self._day, Menu.MONTH: self._month, Menu.BOOKING: self._booking,
            Menu.SLOTS: self._slots, Menu.CANCEL: self._cancel, Menu.LOCKED: self._locked,
        }.get(menu)
        if handler is None:
            return self.goodbye()
        return handler(digits.strip(), speech.strip())

    def _language(self, digits: str, speech: str) -> list:
        languages = self.languages
        if digits.isdigit() and 1 <= int(digits) <= len(languages):
            self.set_language(languages[int(digits) - 1])
            return self.main_menu(welcome=True)
        self.session.retries += 1
        if self.session.retries >= MAX_RETRIES:
            self.set_language(languages[0])
            return self.main_menu(welcome=True)
        return self.finish(Menu.LANGUAGE, [self.gather(prompts.language_menu(languages), num_digits=1)])

    def _main(self, digits: str, speech: str) -> list:
        if digits == "1" and self.in_hours:
            return self.enqueue()
        return self._self_service_choice(digits, Menu.MAIN)

    def _overflow(self, digits: str, speech: str) -> list:
        return self._self_service_choice(digits, Menu.OVERFLOW)

    def _self_service_choice(self, digits: str, menu: str) -> list:
        if digits == "2":
            return self.ask_number()
        if digits == "3":
            return self.callback()
        return self.retry(menu, prompts.main_menu(self.language, in_hours=self.in_hours, hours=self._hours(),
                                                  overflow=menu == Menu.OVERFLOW))

    def ask_number(self) -> list:
        self.session.retries = 0
        return self.finish(Menu.NUMBER, [self.gather(prompts.ask_number(self.language), speech=True, timeout=10)])

    def _number(self, digits: str, speech: str) -> list:
        typed = normalise_notice_number(speech) if speech else digits.replace("*", "")
        if not typed:
            return self.retry_number()
        self.session.number_digits = typed[:200]
        return self.finish(Menu.DAY, [self.gather(prompts.ask_day(self.language), num_digits=2)])

    def retry_number(self) -> list:
        self.session.retries += 1
        if self.session.retries >= MAX_RETRIES:
            return self.goodbye()
        return self.finish(Menu.NUMBER, [self.gather(prompts.ask_number(self.language), speech=True, timeout=10)])

    def _day(self, digits: str, speech: str) -> list:
        self.session.day_digits = digits[:4]
        if self.city.login_secret == "month_day":
            return self.finish(Menu.MONTH, [self.gather(prompts.ask_month(self.language), num_digits=2)])
        return self.log_in(month=None)

    def _month(self, digits: str, speech: str) -> list:
        return self.log_in(month=int(digits) if digits.isdigit() else None)

    def _resolve_number(self) -> str | None:
        """The notice number the caller meant: letters share keypad keys, so digits are matched
        against the notices' numbers as a keypad types them. None when two notices fit."""
        typed = self.session.number_digits
        if not typed.isdigit():
            return typed
        candidates = notice_numbers_for_keypad(typed)
        if len(candidates) > 1:
            return typed if typed in candidates else None
        return candidates[0] if candidates else typed

    def log_in(self, *, month: int | None) -> list:
        day = int(self.session.day_digits) if self.session.day_digits.isdigit() else None
        number = self._resolve_number()
        if number is None:  # two notices share these keypad digits: a person has to tell them apart
            return self.main_menu() if not self.in_hours else self.enqueue()
        try:
            notice = citizen_authenticate(number=number, day=day, month=month,
                                          client=self.call.caller_number or f"call:{self.call.call_id}",
                                          channel=Channel.IVR)
        except (LoginFailedError, NoticeNumberFormatError):
            self.session.retries += 1
            if self.session.retries >= MAX_RETRIES:
                return self.goodbye(prompts.login_failed(self.language))
            return self.finish(Menu.NUMBER, [self.gather(
                prompts.login_failed(self.language) + prompts.ask_number(self.language), speech=True, timeout=10)])
        except NoticeLockedError:
            return self.finish(Menu.LOCKED, [self.gather(prompts.locked(self.language, in_hours=self.in_hours),
                                                         num_digits=1)])
        except ClientRefusedError:
            return self.goodbye(prompts.too_many_attempts(self.language))
        self.session.notice = notice
        self.session.retries = 0
        CallRecord.objects.filter(pk=self.call.pk).update(notice=notice)
        self.call.notice = notice
        return self.booking_menu()

    def _locked(self, digits: str, speech: str) -> list:
        if digits == "1" and self.in_hours:
            return self.enqueue()
        if digits == "3":
            return self.callback()
        return self.goodbye()

    # --- the caller's booking ----------------------------------------------------------------
    def _notice(self):
        return notice_by_id(self.session.notice_id) if self.session.notice_id else None

    def booking_menu(self, said=()) -> list:
        notice = self._notice()
        reservation = active_reservation(notice) if notice else None
        when = self._when(reservation.slot) if reservation else None
        return self.finish(Menu.BOOKING, [self.gather(
            list(said) + prompts.booking_menu(self.language, booking=when, in_hours=self.in_hours), num_digits=1)])

    def _when(self, slot) -> str:
        return f"{prompts.spoken_time(slot.starts_at, self.language)}, {slot.place.display_name(self.language)}"

    def _booking(self, digits: str, speech: str) -> list:
        notice = self._notice()
        if notice is None:
            return self.ask_number()
        reservation = active_reservation(notice)
        if digits == "1" and reservation:
            return self.finish(Menu.CANCEL, [self.gather(
                prompts.confirm_cancel(self.language, self._when(reservation.slot)), num_digits=1)])
        if digits == "2":
            return self.offer_slots()
        if digits == "9" and self.in_hours:
            return self.enqueue()
        if digits == "0":
            return self.booking_menu()
        return self.booking_menu(prompts.not_understood(self.language))

    def offer_slots(self, said=()) -> list:
        notice = self._notice()
        reservation = active_reservation(notice)
        slots = next_free_slots(notice, count=settings.TELEPHONY_IVR_SLOTS_OFFERED, now=self.now,
                                exclude_slot_id=reservation.slot_id if reservation else None)
        self.session.offered_slot_ids = [slot.pk for slot in slots]
        choices = [self._when(slot) for slot in slots]
        return self.finish(Menu.SLOTS, [self.gather(list(said) + prompts.slot_choices(self.language, choices),
                                                    num_digits=1)])

    def _slots(self, digits: str, speech: str) -> list:
        offered = self.session.offered_slot_ids or []
        if not (digits.isdigit() and 1 <= int(digits) <= len(offered)):
            if digits == "0" or not offered:
                return self.offer_slots() if offered else self.booking_menu()
            return self.offer_slots(prompts.not_understood(self.language))
        notice = self._notice()
        slot = slot_by_id(offered[int(digits) - 1])
        try:
            outcome = reservation_book(notice=notice, slot=slot, language=self.language,
                                       actor=Actor.citizen(channel=Channel.IVR, notice=notice))
        except BookingError as error:
            return self.offer_slots(prompts.message(self.language, error.message))
        self._outcome(Outcome.CHANGED if outcome.moved else Outcome.BOOKED)
        said = prompts.booked(self.language, when=self._when(outcome.reservation.slot),
                              code=outcome.reservation.code, moved=outcome.moved)
        return self.goodbye(said)

    def _cancel(self, digits: str, speech: str) -> list:
        notice = self._notice()
        reservation = active_reservation(notice) if notice else None
        if digits == "1" and reservation is not None:
            try:
                reservation_cancel(reservation=reservation, actor=Actor.citizen(channel=Channel.IVR, notice=notice),
                                   reason="cancelled by the caller in the IVR")
            except BookingError as error:
                return self.booking_menu(prompts.message(self.language, error.message))
            self._outcome(Outcome.CANCELLED)
            return self.goodbye(prompts.cancelled(self.language))
        return self.booking_menu()

    def _outcome(self, outcome: str) -> None:
        CallRecord.objects.filter(pk=self.call.pk).update(outcome=outcome)

    # --- call-back and the queue --------------------------------------------------------------
    def callback(self) -> list:
        Callback.objects.create(call=self.call, number=self.call.caller_number, language=self.language,
                                requested_at=self.now)
        self._outcome(Outcome.CALLBACK)
        return self.goodbye(prompts.callback_taken(self.language))

    def enqueue(self) -> list:
        CallRecord.objects.filter(pk=self.call.pk, enqueued_at__isnull=True).update(enqueued_at=self.now)
        route = distribution.call_enqueue(route=self.route, now=self.now)
        return self.queue_actions(route)

    def queue_actions(self, route: CallRoute) -> list:
        if route.status in (RouteStatus.OFFERED, RouteStatus.CONNECTED) and route.operator_id:
            self.session.step += 1
            step = self.session.step
            bridge = Bridge(operator=operator_identity(route.operator_id), then=Next(EventKind.BRIDGE_ENDED, step),
                            leg=Next(EventKind.OPERATOR_LEG, step))
            return self.finish(Menu.QUEUE, [*prompts.connecting(self.language), bridge])
        position = distribution.queue_position(route)
        wait = Wait(prompts=tuple(prompts.queue_position(self.language, position)),
                    seconds=settings.TELEPHONY_QUEUE_ANNOUNCE_SECONDS, then=self.next(EventKind.WAIT))
        return self.finish(Menu.QUEUE, [wait])

    def queue_poll(self) -> list:
        route = CallRoute.objects.get(pk=self.route.pk)
        if route.status == RouteStatus.WAITING:
            waited = (self.now - route.enqueued_at).total_seconds() if route.enqueued_at else 0
            if waited >= self.policy.max_queue_wait_seconds or not self.in_hours:
                distribution.route_back_to_ivr(route=route)
                return self.main_menu(overflow=True)
            route = distribution.route_try_assign(route_id=route.pk, now=self.now)
        if route.status in (RouteStatus.WAITING, RouteStatus.OFFERED, RouteStatus.CONNECTED):
            return self.queue_actions(route)
        return self.goodbye()

    def bridge_ended(self, status: str) -> list:
        route = CallRoute.objects.get(pk=self.route.pk)
        if status in (CallStatus.COMPLETED, CallStatus.ANSWERED) or route.status == RouteStatus.CONNECTED:
            if route.status == RouteStatus.OFFERED:
                call_answered(route=route, call=self.call, now=self.now)
            return self.finish(Menu.DONE, [Hangup()])
        if route.status == RouteStatus.OFFERED:  # the operator did not pick up: next operator, same place
            route = distribution.route_not_answered(route=route, now=self.now)
        if route.status == RouteStatus.ENDED:
            return self.finish(Menu.DONE, [Hangup()])
        return self.queue_actions(route)


