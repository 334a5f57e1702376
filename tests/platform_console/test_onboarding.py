from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from booking.models import Place, Ward
from platform_console.services import onboarding
from platform_console.services.onboarding import OnboardingError, WardSpec, onboard_municipality
from tenants.models import Domain, Membership, Municipality, Role, User

pytestmark = pytest.mark.django_db


def spec(**overrides):
    values = dict(
        slug="gamma", name="緑ヶ丘市", domains=["gamma.localhost"],
        wards=[WardSpec("east", "東区"), WardSpec("west", "西区", office_name="西区役所分室")],
        languages=["ja", "en"], display_names={"en": "Midorigaoka City"},
        admin_username="gamma-admin", admin_email="admin@gamma.example.org",
    )
    values.update(overrides)
    return values


def nothing_left_of(slug: str, domain: str, username: str) -> None:
    assert not Municipality.objects.filter(schema_name=slug).exists()
    assert not Domain.objects.filter(domain=domain).exists()
    assert not User.objects.filter(username=username).exists()
    assert not schema_exists(slug)


def test_onboarding_creates_city_with_domains_places_and_first_admin(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = onboard_municipality(**spec())

    city = result.municipality
    assert city.kind == Municipality.Kind.CITY and city.status == Municipality.Status.ACTIVE
    assert city.enabled_languages == ["ja", "en"]
    assert city.display_name("en") == "Midorigaoka City" and city.display_name("ja") == "緑ヶ丘市"
    assert city.get_primary_domain().domain == "gamma.localhost"
    assert result.generated_password and result.admin.check_password(result.generated_password)
    assert Membership.objects.get(user=result.admin, municipality=city).role == Role.STAFF_ADMIN
    assert result.admin.password.startswith("argon2")
    with tenant_context(city):
        assert list(Ward.objects.values_list("name", flat=True)) == ["東区", "西区"]
        offices = {place.name: [w.code for w in place.default_for_wards.all()] for place in Place.objects.all()}
        assert offices == {"東区役所": ["east"], "西区役所分室": ["west"]}
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'booking'")
            assert cursor.fetchone()[0] >= 1  # the clone carries the migration history
    # the first administrator is told where the staff console is, never the password
    assert len(mail.outbox) == 1
    welcome = mail.outbox[0]
    assert welcome.to == ["admin@gamma.example.org"]
    assert "http://gamma.localhost:8000/staff/" in welcome.body
    assert "西区役所分室" in welcome.body
    assert result.generated_password not in welcome.body


def test_onboarding_is_cloned_from_the_template_schema(monkeypatch):
    cloned = []
    from django_tenants import clone

    original = clone.CloneSchema.clone_schema

    def spy(self, base, new, *args, **kwargs):
        cloned.append((base, new))
        return original(self, base, new, *args, **kwargs)

    monkeypatch.setattr(clone.CloneSchema, "clone_schema", spy)
    onboard_municipality(**spec())
    assert cloned == [("tenant_template", "gamma")]


@pytest.mark.parametrize("overrides, field", [
    ({"slug": "alpha"}, "slug"),
    ({"slug": "ALPHA"}, "slug"),
    ({"slug": "public"}, "slug"),
    ({"slug": "tenant_template"}, "slug"),
    ({"slug": "pg_catalogue"}, "slug"),
    ({"slug": "no-hyphens"}, "slug"),
    ({"domains": ["alpha.localhost"]}, "domains"),
    ({"domains": ["localhost"]}, "domains"),
    ({"domains": ["not a domain"]}, "domains"),
    ({"domains": []}, "domains"),
    ({"languages": ["ja", "fr"]}, "languages"),
    ({"default_slot_minutes": 25}, "default_slot_minutes"),
    ({"primary_colour": "blue"}, "primary_colour"),
    ({"accent_colour": "#12345"}, "accent_colour"),
    ({"domains": ["not", "a"]}, "domains"),
    ({"wards": []}, "wards"),
    ({"wards": [WardSpec("east", "東区"), WardSpec("east", "西区")]}, "wards"),
    ({"admin_username": "alpha-admin"}, "admin_username"),
    ({"admin_email": "not-an-address"}, "admin_email"),
    ({"admin_password": "123"}, "admin_password"),
])
def test_bad_input_is_refused_with_a_clear_error_and_leaves_nothing(overrides, field):
    values = spec(**overrides)
    before = (Municipality.objects.count(), Domain.objects.count(), User.objects.count())
    with pytest.raises(OnboardingError) as raised:
        onboard_municipality(**values)
    assert field in raised.value.errors
    assert all(str(message) for message in raised.value.messages())
    assert (Municipality.objects.count(), Domain.objects.count(), User.objects.count()) == before
    if values["slug"] == "gamma":
        assert not schema_exists("gamma")


def test_failure_after_the_schema_exists_rolls_everything_back(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail relay exploded")

    monkeypatch.setattr(onboarding, "_create_first_admin", broken)
    with pytest.raises(RuntimeError):
        onboard_municipality(**spec())
    nothing_left_of("gamma", "gamma.localhost", "gamma-admin")


def test_failure_while_creating_places_rolls_everything_back(monkeypatch):
    def broken(wards):
        Ward.objects.create(code="east", name="東区")
        raise RuntimeError("disk full")

    monkeypatch.setattr(onboarding, "_create_wards_and_places", broken)
    with pytest.raises(RuntimeError):
        onboard_municipality(**spec())
    nothing_left_of("gamma", "gamma.localhost", "gamma-admin")


def test_management_command_onboards_and_prints_where_to_go(capsys):
    call_command(
        "onboard_municipality", "--slug", "gamma", "--name", "緑ヶ丘市", "--domain", "gamma.localhost",
        "--ward", "east:東区", "--ward", "west:西区:西区役所分室", "--language", "en",
        "--display-name", "en=Midorigaoka City", "--admin-username", "gamma-admin",
        "--admin-email", "admin@gamma.example.org",
    )
    out = capsys.readouterr().out
    assert "onboarded 緑ヶ丘市 (gamma)" in out
    assert "http://gamma.localhost:8000/staff/" in out
    assert "password:" in out
    assert Municipality.objects.get(schema_name="gamma").enabled_languages == ["ja", "en"]


def test_management_command_reports_errors_without_creating_anything():
    with pytest.raises(CommandError, match="既に使用されています"):
        call_command(
            "onboard_municipality", "--slug", "gamma", "--name", "緑ヶ丘市", "--domain", "alpha.localhost",
            "--ward", "east:東区", "--admin-username", "gamma-admin", "--admin-email", "a@example.org",
        )
    nothing_left_of("gamma", "gamma.localhost", "gamma-admin")


def test_platform_admin_onboards_through_the_console(platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/onboard/", {
        "slug": "gamma", "name": "緑ヶ丘市", "name_en": "Midorigaoka City", "domains": "gamma.localhost",
        "languages": ["ja", "en"], "default_slot_minutes": "20", "opens_at": "09:00", "closes_at": "16:00",
        "capacity_per_slot": "3", "primary_colour": "#004400",
        "accent_colour": "#aa0000", "wards": "east, 東区\nwest, 西区, 西区役所分室",
        "admin_username": "gamma-admin", "admin_email": "admin@gamma.example.org",
    })
    assert response.status_code == 200
    assert "http://gamma.localhost:8000/" in response.content.decode()
    city = Municipality.objects.get(schema_name="gamma")
    assert city.default_slot_minutes == 20 and city.display_name("en") == "Midorigaoka City"


def test_console_shows_service_errors_on_the_form(platform_client, platform_admin):
    platform_client.force_login(platform_admin)
    response = platform_client.post("/platform/onboard/", {
        "slug": "gamma", "name": "緑ヶ丘市", "domains": "beta.localhost", "languages": ["ja"],
        "default_slot_minutes": "30", "opens_at": "09:00", "closes_at": "16:00", "capacity_per_slot": "3",
        "primary_colour": "#004400", "accent_colour": "#aa0000",
        "wards": "east, 東区", "admin_username": "gamma-admin", "admin_email": "admin@gamma.example.org",
    })
    assert response.status_code == 200
    assert "ドメイン「beta.localhost」は既に使用されています" in response.content.decode()
    nothing_left_of("gamma", "gamma.localhost", "gamma-admin")


def test_demo_seed_is_idempotent(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    chiba = Municipality.objects.get(schema_name="chiba")
    assert chiba.name == "千葉市"
    with tenant_context(chiba):
        assert list(Place.objects.values_list("name", flat=True)) == [
            "中央区役所", "花見川区役所", "稲毛区役所", "若葉区役所", "緑区役所", "美浜区役所",
        ]
    demo_users = ["platform-admin", "demo-staff", "demo-operator", "chiba-admin"]
    assert User.objects.filter(username__in=demo_users).count() == 4
    assert "demo-operator" in capsys.readouterr().out
