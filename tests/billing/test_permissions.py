"""Who sees which statement and report: platform admin, the city's staff_admin, another city's, an operator."""
from __future__ import annotations

import datetime as dt

import pytest

from billing.models import CompletionReport, DocumentStatus, Plan, Statement
from billing.services.reports import report_draft, report_issue
from billing.services.statements import statement_draft, statement_issue
from tenants.models import Role
from tests.billing.factories import make_plan
from tests.conftest import site_client
from tests.lgwan_access.auth import verified_login
from tests.tenants.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def documents_a(city_a, platform_admin):
    make_plan(city_a)
    issued = statement_issue(statement=statement_draft(municipality=city_a, month=NOV), actor=platform_admin)
    draft = statement_draft(municipality=city_a, month=dt.date(2026, 12, 1))
    report = report_issue(report=report_draft(municipality=city_a, month=NOV), actor=platform_admin)
    draft_report = report_draft(municipality=city_a, month=dt.date(2026, 12, 1))
    return {"issued": issued, "draft": draft, "report": report, "draft_report": draft_report}


def _as(user, host):
    client = site_client(host)
    verified_login(client, user)
    return client


def test_platform_admin_runs_billing_on_the_platform_domain(platform_admin, documents_a, city_a):
    client = _as(platform_admin, "localhost")
    assert client.get("/platform/billing/?month=2026-11").status_code == 200
    page = client.get(f"/platform/billing/cities/{city_a.schema_name}/?month=2026-11")
    assert page.status_code == 200 and documents_a["issued"].number in page.content.decode()
    pdf = client.get(f"/platform/billing/statements/{documents_a['draft'].pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    issued = client.post(f"/platform/billing/statements/{documents_a['draft'].pk}/issue/")
    assert issued.status_code == 302
    documents_a["draft"].refresh_from_db()
    assert documents_a["draft"].number.startswith("MDG-")


def test_platform_admin_saves_a_plan_and_a_bad_one_changes_nothing(platform_admin, city_b):
    client = _as(platform_admin, "localhost")
    form = {"effective_from": "2026-11", "base_fee_yen": "30000", "per_booking_yen": "80", "booking_tiers": "",
            "per_call_minute_yen": "12.5", "per_ivr_session_yen": "5", "credit_cancelled_in_month": "on",
            "date_style": "western"}
    bad = client.post(f"/platform/billing/cities/{city_b.schema_name}/plan/", {**form, "booking_tiers": "500:9"},
                      follow=True)
    assert "*:" in bad.content.decode() and not Plan.objects.filter(municipality=city_b).exists()
    client.post(f"/platform/billing/cities/{city_b.schema_name}/plan/", form)
    plan = Plan.objects.get(municipality=city_b)
    assert (plan.base_fee_yen, str(plan.per_call_minute_yen), plan.date_style) == (30000, "12.50", "western")


def test_staff_admin_sees_only_the_citys_issued_documents(city_a, documents_a):
    admin = MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user
    client = _as(admin, "alpha.localhost")
    page = client.get("/staff/billing/")
    text = page.content.decode()
    assert page.status_code == 200
    assert documents_a["issued"].number in text
    assert f"/staff/billing/statements/{documents_a['draft'].pk}.pdf" not in text
    assert client.get(f"/staff/billing/statements/{documents_a['issued'].pk}.pdf").content.startswith(b"%PDF")
    csv = client.get(f"/staff/billing/statements/{documents_a['issued'].pk}.csv").content.decode("utf-8-sig")
    assert "T1234567890123" in csv and documents_a["issued"].number in csv
    assert client.get(f"/staff/billing/reports/{documents_a['report'].pk}.pdf").status_code == 200
    # drafts are the platform's business
    assert client.get(f"/staff/billing/statements/{documents_a['draft'].pk}.pdf").status_code == 404
    assert client.get(f"/staff/billing/reports/{documents_a['draft_report'].pk}.csv").status_code == 404


def test_another_citys_staff_admin_sees_nothing_of_it(city_b, documents_a):
    admin_b = MembershipFactory(municipality=city_b, role=Role.STAFF_ADMIN).user
    client = _as(admin_b, "beta.localhost")
    listing = client.get("/staff/billing/").content.decode()
    assert documents_a["issued"].number not in listing
    assert client.get(f"/staff/billing/statements/{documents_a['issued'].pk}.pdf").status_code == 404
    assert client.get(f"/staff/billing/reports/{documents_a['report'].pk}.pdf").status_code == 404
    # nor on city A's domain, where they hold no role
    assert _as(admin_b, "alpha.localhost").get("/staff/billing/").status_code == 403


@pytest.mark.parametrize("who", ["staff", "operator", "staff_admin_on_platform"])
def test_others_are_refused_and_change_nothing(who, city_a, documents_a, staff_a, operator_ab):
    if who == "staff":
        client = _as(staff_a, "alpha.localhost")
        assert client.get("/staff/billing/").status_code == 403
        assert client.get(f"/staff/billing/statements/{documents_a['issued'].pk}.pdf").status_code == 403
        client = _as(staff_a, "localhost")
    elif who == "operator":
        client = _as(operator_ab, "alpha.localhost")
        assert client.get("/staff/billing/").status_code == 403
        client = _as(operator_ab, "localhost")
    else:
        client = _as(MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user, "localhost")
    before = (list(Statement.objects.values_list("pk", "status", "number")),
              list(CompletionReport.objects.values_list("pk", "status")))
    assert client.get("/platform/billing/").status_code == 403
    assert client.post(f"/platform/billing/statements/{documents_a['draft'].pk}/issue/").status_code == 403
    assert client.post(f"/platform/billing/reports/{documents_a['draft_report'].pk}/issue/").status_code == 403
    assert client.post(f"/platform/billing/statements/{documents_a['issued'].pk}/credit-note/",
                       {"reason": "x", "amount_yen": "1"}).status_code == 403
    assert (list(Statement.objects.values_list("pk", "status", "number")),
            list(CompletionReport.objects.values_list("pk", "status"))) == before
    assert documents_a["draft"].status == DocumentStatus.DRAFT


def test_staff_menu_shows_billing_to_staff_admins_only(city_a, staff_a):
    admin = MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user
    assert "/staff/billing/" in _as(admin, "alpha.localhost").get("/staff/").content.decode()
    assert "/staff/billing/" not in _as(staff_a, "alpha.localhost").get("/staff/").content.decode()


def test_platform_admin_corrects_an_issued_statement_and_issues_a_report_through_the_pages(platform_admin,
                                                                                          documents_a):
    client = _as(platform_admin, "localhost")
    issued = documents_a["issued"]
    page = client.get(f"/platform/billing/statements/{issued.pk}/").content.decode()
    assert issued.number in page and "/credit-note/" in page
    refused = client.post(f"/platform/billing/statements/{issued.pk}/credit-note/",
                          {"reason": "誤請求", "amount_yen": str(issued.subtotal_yen + 1)}, follow=True)
    assert f"1円から{issued.subtotal_yen}円まで" in refused.content.decode()
    assert not Statement.objects.filter(corrects=issued).exists()
    done = client.post(f"/platform/billing/statements/{issued.pk}/credit-note/",
                       {"reason": "誤請求", "amount_yen": "500"}, follow=True)
    note = Statement.objects.get(corrects=issued)
    assert note.number in done.content.decode() and note.total_yen == -550

    report = documents_a["draft_report"]
    assert client.get(f"/platform/billing/reports/{report.pk}/").status_code == 200
    assert client.get(f"/platform/billing/reports/{report.pk}.csv").content.decode("utf-8-sig").startswith("section")
    client.post(f"/platform/billing/reports/{report.pk}/issue/", {"remarks": "特記事項なし"})
    report.refresh_from_db()
    assert report.status == DocumentStatus.ISSUED and report.remarks == "特記事項なし"
