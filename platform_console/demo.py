"""The demo tenant: Chiba City with its six ward offices, and one user of each kind."""
from __future__ import annotations

from django.db import transaction
from django_tenants.utils import tenant_context

from platform_console.services.onboarding import WardSpec, onboard_municipality
from tenants.access import access_membership
from tenants.models import Municipality, Role, User
from tenants.selectors import dangerously_municipality, dangerously_user_by_username
from tenants.services.identities import membership_grant, user_create

DEMO_PASSWORD = "madoguchi-demo-2026"

CHIBA_WARDS = [
    WardSpec("chuo", "中央区", names={"en": "Chuo Ward"}, office_names={"en": "Chuo Ward Office"}),
    WardSpec("hanamigawa", "花見川区", names={"en": "Hanamigawa Ward"}, office_names={"en": "Hanamigawa Ward Office"}),
    WardSpec("inage", "稲毛区", names={"en": "Inage Ward"}, office_names={"en": "Inage Ward Office"}),
    WardSpec("wakaba", "若葉区", names={"en": "Wakaba Ward"}, office_names={"en": "Wakaba Ward Office"}),
    WardSpec("midori", "緑区", names={"en": "Midori Ward"}, office_names={"en": "Midori Ward Office"}),
    WardSpec("mihama", "美浜区", names={"en": "Mihama Ward"}, office_names={"en": "Mihama Ward Office"}),
]

CHIBA = dict(
    slug="chiba",
    name="千葉市",
    domains=["chiba.localhost"],
    wards=CHIBA_WARDS,
    languages=["ja", "en", "zh-hans", "ko", "es", "pt-br"],
    display_names={"ja": "千葉市", "en": "Chiba City", "zh-hans": "千叶市", "ko": "지바시",
                   "es": "Ciudad de Chiba", "pt-br": "Cidade de Chiba"},
    default_slot_minutes=30,
    primary_colour="#00508f",
    accent_colour="#d7000f",
    call_centre_phone="0120-000-000",
    contact_phone="043-000-0000",
    admin_username="chiba-admin",
    admin_email="chiba-admin@chiba.localhost",
)


def demo_seed() -> list[tuple[str, str, str]]:
    """Onboard Chiba if it is not there yet and make sure the demo users exist. Idempotent."""
    chiba = dangerously_municipality(CHIBA["slug"])
    if chiba is None:
        chiba = onboard_municipality(**CHIBA, admin_password=DEMO_PASSWORD).municipality
    with tenant_context(chiba):
        _demo_hours(chiba.default_slot_minutes)
        _demo_guidance()
        _demo_notices()
    with transaction.atomic():
        _user("platform-admin", "platform-admin@madoguchi.localhost", is_platform_admin=True)
        _member(chiba, _user("demo-staff", "demo-staff@chiba.localhost"), Role.STAFF)
        _member(chiba, _user("demo-operator", "demo-operator@madoguchi.localhost",
                             language_skills=["ja", "en"]), Role.OPERATOR)
    return [
        ("citizen (notice / day of birth)", "ABC-000001 … ABC-000012", "1 … 12"),
        ("platform administrator", "platform-admin", DEMO_PASSWORD),
        ("staff administrator (Chiba)", CHIBA["admin_username"], DEMO_PASSWORD),
        ("staff (Chiba)", "demo-staff", DEMO_PASSWORD),
        ("call-centre operator", "demo-operator", DEMO_PASSWORD),
    ]


DEMO_GUIDANCE = {
    "ja": {"bring": "交付通知書、本人確認書類（運転免許証、パスポート、在留カードなど）、"
                    "通知カードまたは住民基本台帳カード（お持ちの方）",
           "hours": "平日 8:30〜17:30（予約の時間にお越しください）",
           "access": "区役所 1階 マイナンバーカード交付窓口"},
    "en": {"bring": "The notice postcard, identity documents (driving licence, passport, residence card), "
                    "your notification card or Basic Resident Register card if you have one",
           "hours": "Weekdays 8:30–17:30 (please come at your booked time)",
           "access": "Ward office, 1st floor, My Number Card counter"},
}


def _demo_hours(slot_minutes: int) -> None:
    """Ward offices open with the onboarding hours if they have no weekly rule yet."""
    from booking.models import Place
    from booking.services.calendars import places_open_on_weekdays

    places_open_on_weekdays(places=Place.objects.filter(opening_rules__isnull=True), slot_minutes=slot_minutes)


def _demo_guidance() -> None:
    from booking.models import Place

    Place.objects.filter(guidance={}).update(guidance=DEMO_GUIDANCE)


def _demo_notices() -> None:
    """Twelve notices to try the citizen site: ABC-000001 with day of birth 1, and so on."""
    from booking.models import Notice, Ward
    from booking.services.audit import Actor
    from booking.services.notices import notice_create

    wards = list(Ward.objects.order_by("sort_order"))
    for n in range(1, 13):
        if not Notice.objects.filter(number=f"ABC{n:06d}").exists():
            notice_create(number=f"ABC-{n:06d}", birth_day=n, ward=wards[(n - 1) % len(wards)],
                          actor=Actor.system("demo seed"))


def _user(username: str, email: str, **fields) -> User:
    existing = dangerously_user_by_username(username)
    if existing is not None:
        return existing
    return user_create(username=username, email=email, password=DEMO_PASSWORD, actor=None, **fields)


def _member(municipality: Municipality, user: User, role: str) -> None:
    if access_membership(user, municipality) is None:
        membership_grant(user=user, municipality=municipality, role=role, actor=None, reason="demo seed")
