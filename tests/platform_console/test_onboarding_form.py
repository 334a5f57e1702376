"""The onboarding form: every field checked at once, each error by its field, nothing created."""
from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_exists

from tenants.models import Domain, Municipality, User

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "slug": "gamma", "name": "緑ヶ丘市", "name_en": "", "domains": "gamma.localhost", "languages": ["ja"],
        "default_slot_minutes": "30", "opens_at": "09:00", "closes_at": "16:00", "capacity_per_slot": "3",
        "primary_colour": "#004400", "accent_colour": "#aa0000", "wards": "east, 東区",
        "admin_username": "gamma-admin", "admin_email": "admin@gamma.example.org",
    }
    data.update(overrides)
    return data


def counts():
    return Municipality.objects.count(), Domain.objects.count(), User.objects.count()


def test_several_invalid_fields_are_each_reported_by_their_field_at_once(platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    before = counts()
    response = platform_client.post("/platform/onboard/", form_data(
        slug="alpha", domains="not a domain!!", primary_colour="blue", accent_colour="#12345",
        opens_at="17:00", closes_at="09:00", wards="east", admin_username="alpha-admin",
        admin_email="nobody",
    ))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"slug", "domains", "primary_colour", "accent_colour", "closes_at", "wards",
                           "admin_username", "admin_email"}
    assert not response.context["form"].non_field_errors()
    assert len(errors["domains"]) == 3  # "not", "a" and "domain!!", each on its own
    html = response.content.decode()
    # each colour error appears once, beside its field, not repeated in the summary at the top
    assert html.count("「blue」") == 1 and html.count("「#12345」") == 1
    assert 'href="#id_primary_colour"' in html and 'href="#id_closes_at"' in html
    assert counts() == before and not schema_exists("gamma")


@pytest.mark.parametrize("domains, bad", [
    ("not a domain!!", ["not", "a", "domain!!"]),
    ("gamma.localhost localhost", ["localhost"]),
    ("gamma.localhost, city", ["city"]),
    ("-bad.example.jp good.example.jp", ["-bad.example.jp"]),
    ("gamma.localhost alpha.localhost", ["alpha.localhost"]),
])
def test_domains_are_checked_one_by_one(platform_client, platform_admin, domains, bad):
    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/onboard/", form_data(domains=domains))
    messages = response.context["form"].errors["domains"]
    assert len(messages) == len(bad)
    for token, message in zip(bad, messages, strict=True):
        assert re.search(rf"[“「]{re.escape(token)}[”」]", str(message))
    assert not Municipality.objects.filter(schema_name="gamma").exists()


def test_a_full_host_name_is_accepted_and_upper_case_is_folded(platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/onboard/", form_data(domains="Gamma.Example.JP\ngamma.localhost"))
    assert response.status_code == 200 and "form" not in response.context or not response.context["form"].errors
    city = Municipality.objects.get(schema_name="gamma")
    assert sorted(city.domains.values_list("domain", flat=True)) == ["gamma.example.jp", "gamma.localhost"]
    assert city.get_primary_domain().domain == "gamma.example.jp"


@pytest.mark.parametrize("role_user", ["staff_a", "operator_ab"])
def test_only_platform_admins_onboard(platform_client, role_user, request):
    platform_client.force_login(request.getfixturevalue(role_user))
    before = counts()
    response = platform_client.post("/platform/onboard/", form_data())
    assert response.status_code == 403
    assert counts() == before
