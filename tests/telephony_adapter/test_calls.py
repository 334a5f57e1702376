"""Whole calls replayed as Twilio's signed webhooks through the real URLs (CC-1…CC-13)."""
from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from booking.errors import BookingError, NoticeLockedError
from booking.models import Channel, NoticeLoginGuard, Reservation, ReservationStatus
from booking.services.citizen_login import citizen_authenticate
from telephony_adapter.models import Callback, CallRecord, EndReason, Escalation, Outcome
from telephony_adapter.routing.models import CallRoute, OperatorPresence, ProviderEvent
from telephony_adapter.selectors.statistics import service_level
from tests.telephony_adapter.conftest import ALPHA_NUMBER, BETA_NUMBER, MONDAY_10, bookable_notice
from tests.telephony_adapter.factories import Caller, make_operator, tokyo
from tests.tenants.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
QUEUE_POSITION_2 = "あなたの順番は2番目です。"  # beta speaks Japanese


def logged_in(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def record(city, call_id) -> CallRecord:
    with tenant_context(city):
        return CallRecord.objects.select_related("notice").get(call_id=call_id)


def test_full_call_language_menu_queue_operator_booking_hang_up_statistics(
        clock, numbers, city_a, platform_client):
    notice, slots = bookable_notice(city_a, "TST100001")
    operator = make_operator(city_a, languages=["ja", "en"], available_since=MONDAY_10 - dt.timedelta(minutes=5))
    caller = Caller(to=ALPHA_NUMBER)

    menu = caller.dial()
    assert "To continue in English, press 2." in menu  # alpha speaks ja, en, ko: a language menu
    assert '<Gather action="/telephony/twilio/gather/?step=1"' in menu
    main = caller.press("2")
    assert "Thank you for calling the My Number Card booking line of Aoba City." in main
    assert "To speak to an operator, press 1." in main and 'language="en-US"' in main

    clock.shift(dt.timedelta(seconds=12))
    bridged = caller.press("1")
    assert "Connecting you to an operator." in bridged
    assert f">operator-{operator.pk}</Client>" in bridged
    clock.shift(dt.timedelta(seconds=4))
    caller.operator_answers()

    console = logged_in(platform_client, operator)
    pop = console.get("/operator/").content.decode()
    assert "通話中" in pop and "青葉市" in pop and "English" in pop and "+819012345678" in pop
    assert 'data-field="waited">4秒' in pop

    desk = console.get("/operator/city/alpha/", {"number": "tst-100001"}).content.decode()
    assert "TST100001" in desk and "この交付通知書の予約はありません。" in desk
    booked = console.post("/operator/city/alpha/book/", {"number": "TST100001", "slot": slots[1].pk}, follow=True)
    page = booked.content.decode()
    assert "予約を受け付けました。" in page and 'data-testid="script"' in page
    assert "Your booking is on" in page  # the script is in the caller's language
    with tenant_context(city_a):
        reservation = Reservation.objects.get(notice=notice, status=ReservationStatus.ACTIVE)
        assert reservation.channel == Channel.PHONE and reservation.created_by_id == operator.pk
        assert reservation.slot_id == slots[1].pk and reservation.language == "en"

    clock.shift(dt.timedelta(minutes=5))
    assert "<Hangup />" in caller.bridge_ended("completed")
    caller.hang_up()
    assert OperatorPresence.objects.get(user=operator).status == "wrap_up"
    clock.shift(dt.timedelta(seconds=30))
    console.post("/operator/call/finish/", {"outcome": "booked", "note": "booked at 10:00"})
    assert "次の電話を受けるには「受付可」を選んでください。" in console.get("/operator/").content.decode()
    call = record(city_a, caller.call_id)
    assert call.outcome == Outcome.BOOKED and call.end_reason == EndReason.OPERATOR
    assert call.notice_id == notice.pk and call.operator_id == operator.pk
    assert call.waited_seconds == 4 and call.handle_seconds == 5 * 60 + 30

    with tenant_context(city_a):
        level = service_level(start=MONDAY_10 - dt.timedelta(hours=1), end=MONDAY_10 + dt.timedelta(hours=1))
    assert (level.offered, level.answered, level.abandoned) == (1, 1, 0)
    assert level.answer_rate == 1.0 and level.asa_seconds == 4 and level.handle_seconds == 330
    stats = console.get("/operator/statistics/", {"period": "hour"}).content.decode()
    assert "100.0 %" in stats

    console.post("/operator/presence/", {"status": "available"})
    assert OperatorPresence.objects.get(user=operator).status == "available"


def test_after_hours_the_ivr_says_so_and_offers_self_service(clock, numbers, city_b):
    clock.move_to(tokyo(2026, 6, 1, 18, 5))
    caller = Caller(to=BETA_NUMBER)
    menu = caller.dial()  # beta speaks Japanese only: no language menu
    assert "8:30" in menu and "17:30" in menu and 'language="ja-JP"' in menu
    assert "2" in menu and "gather" in menu
    caller.hang_up()
    call = record(city_b, caller.call_id)
    assert call.in_hours is False and call.end_reason == EndReason.AFTER_HOURS and call.outcome == Outcome.OTHER


def test_year_end_and_holidays_are_after_hours(clock, numbers, city_b):
    from telephony_adapter.selectors.hours import lines_open

    with tenant_context(city_b):
        assert lines_open(tokyo(2026, 6, 1, 10, 0))
        assert not lines_open(tokyo(2026, 6, 1, 8, 29))
        assert not lines_open(tokyo(2026, 12, 29, 10, 0)) and not lines_open(tokyo(2027, 1, 4, 8, 0))
        assert not lines_open(tokyo(2026, 5, 5, 10, 0))  # Children's Day
        assert not lines_open(tokyo(2026, 6, 6, 10, 0))  # a Saturday


def test_ivr_self_service_books_then_cancels_with_the_keypad(clock, numbers, city_b):
    notice, slots = bookable_notice(city_b, "TST200002", day_of_birth=9)
    caller = Caller(to=BETA_NUMBER, caller="+819099990000")
    caller.dial()
    caller.press("2")
    caller.press("878200002")  # T S T on the keypad: 8 7 8
    menu = caller.press("9")
    assert "gather" in menu and "?step=" in menu
    offered = caller.press("2")
    assert offered.count("Say") >= 4
    done = caller.press("1")
    assert "<Hangup />" in done
    with tenant_context(city_b):
        reservation = Reservation.objects.get(notice=notice, status=ReservationStatus.ACTIVE)
        assert reservation.channel == Channel.IVR and reservation.slot_id == slots[0].pk
    assert " ".join(reservation.code) in done  # the booking code is read out character by character
    caller.hang_up()
    assert record(city_b, caller.call_id).outcome == Outcome.BOOKED
    assert record(city_b, caller.call_id).end_reason == EndReason.SELF_SERVICE

    again = Caller(to=BETA_NUMBER, caller="+819099990000")
    again.dial()
    again.press("2")
    again.say("TST 200002")  # spoken instead of typed
    again.press("9")
    again.press("1")
    assert "<Hangup />" in again.press("1")
    with tenant_context(city_b):
        reservation.refresh_from_db()
        assert reservation.status == ReservationStatus.CANCELLED
    again.hang_up()
    assert record(city_b, again.call_id).outcome == Outcome.CANCELLED


def test_keypad_lockout_shares_the_webs_counters(clock, numbers, city_b):
    notice, _slots = bookable_notice(city_b, "TST300003", day_of_birth=12)
    caller = Caller(to=BETA_NUMBER)
    caller.dial()
    caller.press("2")
    for wrong in ("1", "2"):
        caller.press("878300003")
        caller.press(wrong)
    caller.press("878300003")
    locked = caller.press("3")
    assert "gather" in locked  # the locked menu: operator or call-back
    with tenant_context(city_b):
        assert NoticeLoginGuard.objects.get(number="TST300003").locked_at is not None
        with pytest.raises(NoticeLockedError):  # the web refuses even the right day now
            citizen_authenticate(number="TST300003", day=12, client="198.51.100.7")


def test_operator_unlocks_a_locked_notice_after_checking_the_caller(clock, numbers, city_b, platform_client):
    from booking.services.citizen_login import notice_login_locked

    bookable_notice(city_b, "TST300004", day_of_birth=12)
    with tenant_context(city_b):
        for _ in range(3):
            with pytest.raises(BookingError):
                citizen_authenticate(number="TST300004", day=1, client="198.51.100.8")
        assert notice_login_locked("TST300004")
    operator = make_operator(city_b)
    console = logged_in(platform_client, operator)
    refused = console.post("/operator/city/beta/unlock/", {"number": "TST300004"}, follow=True)
    assert "ロックを解除する前に" in refused.content.decode()
    console.post("/operator/city/beta/unlock/", {"number": "TST300004", "identity_checked": "1"})
    with tenant_context(city_b):
        assert not notice_login_locked("TST300004")


def test_escalation_transfers_to_the_ward_office_with_the_reason(clock, numbers, city_a, platform_client, _transport):
    notice, _slots = bookable_notice(city_a, "TST400004")
    operator = make_operator(city_a, languages=["ja"], available_since=MONDAY_10 - dt.timedelta(minutes=1))
    caller = Caller(to=ALPHA_NUMBER)
    caller.dial()
    caller.press("1")  # Japanese
    caller.press("1")  # an operator
    caller.operator_answers()
    console = logged_in(platform_client, operator)
    response = console.post("/operator/city/alpha/escalate/", {
        "number": "TST400004", "ward": notice.ward.code, "reason": "住所変更中のため市の判断が必要"}, follow=True)
    assert "043-245-5000" in response.content.decode()
    with tenant_context(city_a):
        escalation = Escalation.objects.get()
        assert escalation.ward_id == notice.ward_id and escalation.reason == "住所変更中のため市の判断が必要"
        assert escalation.transferred_to == "043-245-5000"
    (update,) = [sent for sent in _transport if sent.get("update") == caller.call_id]
    assert "<Dial>043-245-5000</Dial>" in update["twiml"]
    caller.hang_up()
    call = record(city_a, caller.call_id)
    assert call.outcome == Outcome.ESCALATED and call.end_reason == EndReason.TRANSFERRED


def test_call_back_request_is_recorded_and_listed(clock, numbers, city_b, platform_client):
    caller = Caller(to=BETA_NUMBER, caller="+819055554444")
    caller.dial()
    assert "<Hangup />" in caller.press("3")
    with tenant_context(city_b):
        callback = Callback.objects.get()
        assert callback.number == "+819055554444" and callback.language == "ja"
    caller.hang_up()
    console = logged_in(platform_client, make_operator(city_b))
    assert "+819055554444" in console.get("/operator/city/beta/callbacks/").content.decode()
    console.post("/operator/city/beta/callbacks/", {"callback": callback.pk, "status": "done"})
    with tenant_context(city_b):
        assert Callback.objects.get().status == Callback.Status.DONE


def test_one_operator_answers_both_cities_numbers(clock, numbers, city_a, city_b, operator_ab, platform_client):
    from telephony_adapter.routing.models import OperatorPresence

    OperatorPresence.objects.create(user=operator_ab, status="available", since=MONDAY_10)
    console = logged_in(platform_client, operator_ab)
    for number, city_name, menu in ((ALPHA_NUMBER, "青葉市", ["1", "1"]), (BETA_NUMBER, "白浜市", ["1"])):
        caller = Caller(to=number)
        caller.dial()
        for digit in menu:
            answer = caller.press(digit)
        assert f">operator-{operator_ab.pk}</Client>" in answer
        caller.operator_answers()
        pop = console.get("/operator/").content.decode()
        assert city_name in pop
        caller.bridge_ended()
        caller.hang_up()
        console.post("/operator/call/finish/", {"outcome": "enquiry"})
        console.post("/operator/presence/", {"status": "available"})
    assert OperatorPresence.objects.get(user=operator_ab).calls_taken == 2


def test_waiting_caller_hears_the_position_then_overflows_to_the_ivr(clock, numbers, city_b):
    first, second = Caller(to=BETA_NUMBER), Caller(to=BETA_NUMBER)
    for caller in (first, second):
        caller.dial()
        waiting = caller.press("1")
        clock.shift(dt.timedelta(seconds=1))
    assert QUEUE_POSITION_2 in waiting
    assert "<Pause" in waiting and "/telephony/twilio/wait/?step=" in waiting
    clock.shift(dt.timedelta(seconds=60))
    assert "<Pause" in second.wait()
    clock.shift(dt.timedelta(seconds=61))  # the city's longest wait (120 s) has passed
    overflow = second.wait()
    assert "gather" in overflow and "<Pause" not in overflow
    second.hang_up()
    first.hang_up()
    assert record(city_b, second.call_id).end_reason == EndReason.OVERFLOW
    assert record(city_b, first.call_id).end_reason == EndReason.ABANDONED


def test_an_operator_who_becomes_available_takes_the_longest_waiting_call(clock, numbers, city_b, platform_client,
                                                                          settings, _transport):
    settings.TELEPHONY_WEBHOOK_BASE_URL = "https://madoguchi.example"
    first, second = Caller(to=BETA_NUMBER), Caller(to=BETA_NUMBER)
    first.dial(), first.press("1")
    clock.shift(dt.timedelta(seconds=5))
    second.dial(), second.press("1")
    operator = make_operator(city_b)
    console = logged_in(platform_client, operator)
    console.post("/operator/presence/", {"status": "available"})
    assert CallRoute.objects.get(call_id=first.call_id).operator_id == operator.pk
    assert CallRoute.objects.get(call_id=second.call_id).status == "waiting"
    (resume,) = [sent for sent in _transport if sent.get("update") == first.call_id]  # fetch the bridge now
    assert '<Redirect method="POST">https://madoguchi.example/telephony/twilio/wait/?step=2</Redirect>' \
        in resume["twiml"]
    assert f">operator-{operator.pk}</Client>" in first.wait()
    assert "<Pause" in second.wait()


def test_an_unanswered_offer_goes_to_the_next_operator(clock, numbers, city_b):
    sleepy = make_operator(city_b, available_since=MONDAY_10 - dt.timedelta(minutes=10))
    awake = make_operator(city_b, available_since=MONDAY_10 - dt.timedelta(minutes=5))
    caller = Caller(to=BETA_NUMBER)
    caller.dial()
    assert f">operator-{sleepy.pk}</Client>" in caller.press("1")  # longest idle first
    assert f">operator-{awake.pk}</Client>" in caller.bridge_ended("no-answer")
    assert OperatorPresence.objects.get(user=sleepy).status == "offline"


def test_each_provider_event_is_processed_once(clock, numbers, city_b):
    caller = Caller(to=BETA_NUMBER)
    caller.dial()
    url = caller.next_url
    first = caller.press("3")
    caller.next_url = url
    assert caller.press("3") == first  # Twilio retried: the same answer, nothing done twice
    with tenant_context(city_b):
        assert Callback.objects.count() == 1
    assert ProviderEvent.objects.filter(call_id=caller.call_id).count() == 2  # incoming + one gather


def test_a_number_nobody_has_is_not_in_service(clock, numbers):
    caller = Caller(to="+81120999999")
    assert "<Hangup />" in caller.dial()


def test_old_provider_events_and_ended_routes_are_purged(clock, numbers, city_b):
    from telephony_adapter.services.distribution import routing_purge

    caller = Caller(to=BETA_NUMBER)
    caller.dial()
    caller.press("3")
    caller.hang_up()
    assert routing_purge(now=MONDAY_10 + dt.timedelta(days=29)) == 0
    assert routing_purge(now=MONDAY_10 + dt.timedelta(days=31)) == 4  # three events and the ended route
    assert record(city_b, caller.call_id).outcome == Outcome.CALLBACK  # the city's record stays


def test_an_operator_in_wrap_up_takes_no_call_until_available_again(clock, numbers, city_b, platform_client):
    operator = make_operator(city_b, available_since=MONDAY_10 - dt.timedelta(minutes=5))
    console = logged_in(platform_client, operator)
    console.post("/operator/presence/", {"status": "wrap_up"})
    assert OperatorPresence.objects.get(user=operator).status == "wrap_up"
    assert "後処理" in console.get("/operator/").content.decode()
    caller = Caller(to=BETA_NUMBER)
    caller.dial()
    assert "<Pause" in caller.press("1")  # nobody free: the caller waits
    assert CallRoute.objects.get(call_id=caller.call_id).status == "waiting"
    console.post("/operator/presence/", {"status": "available"})
    assert CallRoute.objects.get(call_id=caller.call_id).operator_id == operator.pk
    caller.hang_up()
