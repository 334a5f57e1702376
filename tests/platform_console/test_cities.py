"""Cities at a glance (from summaries, constant queries), the city's page, and running a city."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from platform_console.models import CitySummary
from platform_console.services.summaries import city_summary_refresh
from telephony_adapter.selectors.hours import call_centre_settings
from telephony_adapter.selectors.routing import dialled_numbers_of
from tenants.models import Domain, Membership, Municipality, PlatformAuditEntry, Role
from tests.booking.factories import STAFF, NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


def bulk_cities(count: int, start: int = 0) -> list[Municipality]:
    """Municipality rows with a domain and a summary, without schemas (the cities page never enters them)."""
    cities = Municipality.objects.bulk_create([
        Municipality(schema_name=f"bulk{n:04d}", name=f"市{n:04d}", enabled_languages=["ja"])
        for n in range(start, start + count)])
    Domain.objects.bulk_create([Domain(domain=f"bulk{n:04d}.example.jp", tenant=city, is_primary=True)
                                for n, city in enumerate(cities, start=start)])
    CitySummary.objects.bulk_create([CitySummary(municipality=city, bookings_today=n, calls_today=2 * n,
                                                 answer_rate=0.9) for n, city in enumerate(cities, start=start)])
    return cities


def page_queries(client, url="/platform/") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_cities_page_needs_the_same_queries_for_5_or_120_cities(platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    bulk_cities(5)
    page_queries(platform_client)  # the first request also loads the session's user and the host
    few = page_queries(platform_client)
    bulk_cities(115, start=5)
    many = page_queries(platform_client)
    assert few == many
    assert many <= 10
    html = platform_client.get("/platform/").content.decode()
    assert "bulk0000.example.jp" in html and "122" in html  # 120 + the two session cities


def test_the_cities_page_searches_sorts_and_pages(platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    bulk_cities(60)
    page = platform_client.get("/platform/?sort=-bookings").context["page"]
    assert [city.schema_name for city in page.object_list[:2]] == ["bulk0059", "bulk0058"]
    assert page.paginator.num_pages == 2
    found = platform_client.get("/platform/?q=bulk0042.example").context["page"]
    assert [city.schema_name for city in found.object_list] == ["bulk0042"]
    by_name = platform_client.get("/platform/?q=%E9%9D%92%E8%91%89").context["page"]  # 青葉
    assert [city.schema_name for city in by_name.object_list] == ["alpha"]
    second = platform_client.get("/platform/?sort=-bookings&page=2").context["page"]
    assert second.number == 2 and len(second.object_list) == 12


def test_summary_is_computed_from_the_city_and_refreshed_on_demand(platform_client, platform_admin, city_a):
    with tenant_context(city_a):
        notice = NoticeFactory()
        from booking.services.reservations import reservation_book

        reservation_book(notice=notice, slot=make_slot(notice.default_place, open_weekday()), actor=STAFF)
    summary = city_summary_refresh(municipality=city_a)
    assert summary.bookings_today == 1 and summary.calls_today == 0 and summary.answer_rate is None
    assert summary.checklist_total == 5 and summary.checklist_done == 3  # calendars, notices, booking
    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/cities/alpha/refresh/")
    assert response.status_code == 302
    assert CitySummary.objects.get(municipality=city_a).refreshed_at > summary.refreshed_at


def settings_post(**overrides):
    data = {
        "name": "青葉市", "display_name_en": "Aoba City", "display_name_ko": "아오바시",
        "enabled_languages": ["ja", "en"],
        "default_slot_minutes": "20", "slot_horizon_days": "90", "booking_opens_days": "45",
        "booking_closes_hours": "24", "change_closes_hours": "24", "login_secret": "day",
        "login_failure_limit": "3", "login_lock_hours": "24", "personal_data_retention_days": "90",
        "contact_phone": "", "call_centre_phone": "0120-111-111", "contact_email": "",
        "reason": "the city asked for 20-minute slots",
    }
    data.update(overrides)
    return data


def test_a_settings_change_is_saved_and_audited_with_who_and_why(platform_client, platform_admin, city_a):
    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/cities/alpha/settings/", settings_post())
    assert response.status_code == 302
    city_a.refresh_from_db()
    assert city_a.default_slot_minutes == 20 and city_a.enabled_languages == ["ja", "en"]
    entry = PlatformAuditEntry.objects.filter(municipality=city_a, action="municipality.settings").first()
    assert entry.actor == platform_admin and entry.reason == "the city asked for 20-minute slots"
    assert entry.changes["default_slot_minutes"] == [30, 20]
    page = platform_client.get("/platform/cities/alpha/").content.decode()
    assert "the city asked for 20-minute slots" in page


def test_a_change_without_a_reason_or_with_bad_values_changes_nothing(platform_client, platform_admin, city_a):
    platform_client.force_login(platform_admin)
    before = PlatformAuditEntry.objects.count()
    response = platform_client.post("/platform/cities/alpha/settings/", settings_post(reason=""))
    assert response.status_code == 400 and "reason" in response.context["settings_form"].errors
    response = platform_client.post("/platform/cities/alpha/settings/", settings_post(booking_opens_days="200"))
    assert response.status_code == 400 and "booking_opens_days" in response.context["settings_form"].errors
    response = platform_client.post("/platform/cities/alpha/branding/", {
        "primary_colour": "blue", "accent_colour": "#aa0000", "reason": "new colours"})
    assert response.status_code == 400 and "primary_colour" in response.context["branding_form"].errors
    city_a.refresh_from_db()
    assert city_a.default_slot_minutes == 30 and city_a.primary_colour != "blue"
    assert PlatformAuditEntry.objects.count() == before


def test_domains_are_added_one_by_one_made_primary_and_removed(platform_client, platform_admin, city_a):
    platform_client.force_login(platform_admin)
    refused = platform_client.post("/platform/cities/alpha/domains/", {"domain": "not a domain", "reason": "x"})
    assert refused.status_code == 400 and refused.context["domain_form"].errors["domain"]
    taken = platform_client.post("/platform/cities/alpha/domains/", {"domain": "beta.localhost", "reason": "x"})
    assert taken.status_code == 400
    assert platform_client.post("/platform/cities/alpha/domains/", {
        "domain": "www.aoba-city.example.jp", "reason": "the city's own domain"}).status_code == 302
    new = Domain.objects.get(domain="www.aoba-city.example.jp")
    old = Domain.objects.get(domain="alpha.localhost")
    assert platform_client.post(f"/platform/cities/alpha/domains/{old.pk}/", {
        "action": "remove", "reason": "x"}).status_code == 400  # the primary stays
    platform_client.post(f"/platform/cities/alpha/domains/{new.pk}/", {"action": "primary", "reason": "switch"})
    assert city_a.get_primary_domain().domain == "www.aoba-city.example.jp"
    platform_client.post(f"/platform/cities/alpha/domains/{new.pk}/", {"action": "primary", "reason": "back"})
    actions = list(PlatformAuditEntry.objects.filter(municipality=city_a).values_list("action", flat=True))
    assert actions.count("municipality.domain_primary") == 2 and "municipality.domain_add" in actions


def test_branding_preview_shows_the_new_colours_before_saving(platform_client, platform_admin, city_a):
    platform_client.force_login(platform_admin)
    response = platform_client.get("/platform/cities/alpha/preview/?primary_colour=%23004400&accent_colour=%23aa0000")
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    css = platform_client.get("/platform/cities/alpha/preview.css?primary_colour=%23004400&accent_colour=%23aa0000")
    assert "--brand:#004400" in css.content.decode()
    city_a.refresh_from_db()
    assert city_a.primary_colour != "#004400"  # nothing saved by a preview


def test_lgwan_ranges_toll_free_hours_and_escalation(platform_client, platform_admin, city_a, city_b):
    platform_client.force_login(platform_admin)
    bad = platform_client.post("/platform/cities/alpha/lgwan/", {"ranges": "10.0.0.1/24\n10.1.0.0/33", "reason": "x"})
    assert bad.status_code == 400 and len(bad.context["lgwan_form"].errors["ranges"]) == 2
    platform_client.post("/platform/cities/alpha/lgwan/", {"ranges": "10.20.0.0/16", "reason": "LGWAN"})
    city_a.refresh_from_db()
    assert city_a.lgwan_networks == ["10.20.0.0/16"]

    platform_client.post("/platform/cities/alpha/toll-free/", {"number": "0120-333-333", "reason": "new line"})
    assert dialled_numbers_of(city_a) == ["0120333333"]
    stolen = platform_client.post("/platform/cities/beta/toll-free/", {"number": "0120-333-333", "reason": "x"})
    assert stolen.status_code == 400 and dialled_numbers_of(city_a) == ["0120333333"]
    platform_client.post("/platform/cities/alpha/call-hours/", {
        "opens_at": "09:00", "closes_at": "17:00", "open_weekdays": ["0", "1", "2", "3", "4", "5"],
        "closed_on_holidays": "on", "reason": "Saturday lines"})
    with tenant_context(city_a):
        assert call_centre_settings().open_weekdays == [0, 1, 2, 3, 4, 5]
    with tenant_context(city_b):
        assert call_centre_settings().open_weekdays == [0, 1, 2, 3, 4]

    platform_client.post("/platform/cities/alpha/escalation/", {
        "contacts": "当番 一郎, oncall@alpha.example.org, 090-0000-0000\n課長, boss@alpha.example.org, ",
        "repeat_minutes": "10", "reason": "new rota"})
    from operations.models import EscalationPolicy
    policy = EscalationPolicy.objects.get(scope="alpha")
    assert [c.name for c in policy.contacts.order_by("position")] == ["当番 一郎", "課長"]
    actions = set(PlatformAuditEntry.objects.filter(municipality=city_a).values_list("action", flat=True))
    assert {"municipality.lgwan_networks", "municipality.toll_free_add", "municipality.call_hours",
            "municipality.escalation_contacts"} <= actions


def test_an_operator_gets_several_cities_with_language_skills(platform_client, platform_admin, city_a, city_b):
    from tests.tenants.factories import UserFactory

    operator = UserFactory(username="new-operator")
    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/cities/alpha/operators/", {
        "username": "new-operator", "cities": ["alpha", "beta"], "language_skills": ["ja", "ko"],
        "reason": "joins the call centre"})
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.language_skills == ["ja", "ko"]
    assert set(Membership.objects.filter(user=operator).values_list("municipality__schema_name", "role")) == {
        ("alpha", Role.OPERATOR), ("beta", Role.OPERATOR)}
    assert PlatformAuditEntry.objects.filter(subject_user=operator, action="membership.grant").count() == 2


def test_a_city_that_lost_its_staff_admin_gets_one_again(platform_client, platform_admin, city_a):
    platform_client.force_login(platform_admin)
    refused = platform_client.post("/platform/cities/alpha/staff-admin/", {
        "username": "second-admin", "email": "second@alpha.example.org", "reason": "x"})
    assert refused.status_code == 400  # the city still has one
    Membership.objects.filter(municipality=city_a, role=Role.STAFF_ADMIN).delete()
    response = platform_client.post("/platform/cities/alpha/staff-admin/", {
        "username": "second-admin", "email": "second@alpha.example.org", "reason": "the admin left"})
    assert response.status_code == 200 and response.context["restored"].generated_password
    membership = Membership.objects.get(municipality=city_a, role=Role.STAFF_ADMIN)
    assert membership.user.username == "second-admin"
    entry = PlatformAuditEntry.objects.get(action="membership.grant", subject_user=membership.user)
    assert entry.actor == platform_admin and "the admin left" in entry.reason


def test_suspension_reason_is_shown_to_citizens(platform_client, platform_admin, client_a, city_a):
    platform_client.force_login(platform_admin)
    assert platform_client.post("/platform/cities/alpha/status/", {"status": "suspended", "reason": ""}
                                ).status_code == 302
    city_a.refresh_from_db()
    assert not city_a.is_suspended  # no reason, no change
    platform_client.post("/platform/cities/alpha/status/", {"status": "suspended", "reason": "システム移行中です"})
    from tenants.selectors import municipality_host_cache_clear
    municipality_host_cache_clear()
    page = client_a.get("/")
    assert page.status_code == 503 and "システム移行中です" in page.content.decode()
    platform_client.post("/platform/cities/alpha/status/", {"status": "active", "reason": "移行完了"})
    municipality_host_cache_clear()
    assert client_a.get("/").status_code == 200


@pytest.mark.parametrize("who", ["staff_admin", "staff_a", "operator_ab"])
def test_only_platform_admins_run_a_city(platform_client, client_a, city_a, who, request):
    user = (Membership.objects.get(municipality=city_a, role=Role.STAFF_ADMIN).user if who == "staff_admin"
            else request.getfixturevalue(who))
    before = (PlatformAuditEntry.objects.count(), Domain.objects.count())
    for client in (platform_client, client_a):
        client.force_login(user)
        assert client.get("/platform/").status_code in (403, 404)
        assert client.get("/platform/cities/alpha/").status_code in (403, 404)
        assert client.post("/platform/cities/alpha/settings/", settings_post()).status_code in (403, 404)
        assert client.post("/platform/cities/alpha/domains/", {"domain": "x.example.jp", "reason": "x"}
                           ).status_code in (403, 404)
        assert client.post("/platform/cities/alpha/status/", {"status": "suspended", "reason": "x"}
                           ).status_code in (403, 404)
    city_a.refresh_from_db()
    assert city_a.default_slot_minutes == 30 and not city_a.is_suspended
    assert (PlatformAuditEntry.objects.count(), Domain.objects.count()) == before


def test_the_scheduled_task_refreshes_each_city_in_its_own_schema(monkeypatch, city_a, city_b):
    from platform_console import tasks

    sent = []
    monkeypatch.setattr(tasks.refresh_city_summary, "apply_async",
                        lambda headers=None, **kwargs: sent.append(headers["_schema_name"]))
    assert tasks.refresh_city_summaries() == 2 and sorted(sent) == ["alpha", "beta"]
    with tenant_context(city_b):
        tasks.refresh_city_summary()
    assert CitySummary.objects.filter(municipality=city_b).exists()
    assert not CitySummary.objects.filter(municipality=city_a).exists()


def test_a_logo_of_another_kind_is_refused_and_nothing_changes(platform_client, platform_admin, city_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/cities/alpha/branding/", {
        "primary_colour": "#004400", "accent_colour": "#aa0000", "reason": "new logo",
        "logo": SimpleUploadedFile("logo.exe", b"MZ\x90\x00", content_type="application/octet-stream")})
    assert response.status_code == 400 and response.context["branding_form"].errors["logo"]
    city_a.refresh_from_db()
    assert not city_a.logo and city_a.primary_colour != "#004400"
    assert not PlatformAuditEntry.objects.filter(action="municipality.branding").exists()


def test_the_city_page_says_there_is_no_impersonation(platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    page = platform_client.get("/platform/cities/alpha/").content.decode()
    assert 'id="support"' in page and "なりすまし機能はありません" in page
