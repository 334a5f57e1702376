"""The demo tenant: Chiba City with its six ward offices, and one user of each kind."""
from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django_tenants.utils import tenant_context

from booking.models import Notice, Place, Ward
from booking.services.audit import Actor
from booking.services.calendars import places_open_on_weekdays
from booking.services.notices import notice_create
from platform_console.services.onboarding import WardSpec, onboard_municipality
from tenants.access import access_membership
from tenants.models import Municipality, Role, User
from tenants.selectors import dangerously_municipality, dangerously_user_by_username
from tenants.services.identities import membership_grant, user_create
from tenants.services.networks import LOOPBACK_RANGES, lgwan_ranges_set

DEMO_PASSWORD = "madoguchi-demo-2026"

# (code, Japanese, romanised, simplified Chinese, Korean name of the ward)
_WARDS = [
    ("chuo", "中央区", "Chuo", "中央区", "주오구"),
    ("hanamigawa", "花見川区", "Hanamigawa", "花见川区", "하나미가와구"),
    ("inage", "稲毛区", "Inage", "稻毛区", "이나게구"),
    ("wakaba", "若葉区", "Wakaba", "若叶区", "와카바구"),
    ("midori", "緑区", "Midori", "绿区", "미도리구"),
    ("mihama", "美浜区", "Mihama", "美滨区", "미하마구"),
]


def _ward_names(romanised: str, chinese: str, korean: str) -> dict[str, str]:
    return {"en": f"{romanised} Ward", "zh-hans": chinese, "ko": korean, "es": f"Distrito de {romanised}",
            "pt-br": f"Distrito de {romanised}"}


def _office_names(romanised: str, chinese: str, korean: str) -> dict[str, str]:
    return {"en": f"{romanised} Ward Office", "zh-hans": f"{chinese}政府", "ko": f"{korean}청",
            "es": f"Oficina del Distrito de {romanised}", "pt-br": f"Escritório do Distrito de {romanised}"}


CHIBA_WARDS = [WardSpec(code, name, names=_ward_names(*other), office_names=_office_names(*other))
               for code, name, *other in _WARDS]

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
    if not chiba.lgwan_networks:  # the demo's staff console answers on this machine only
        lgwan_ranges_set(chiba, LOOPBACK_RANGES, actor=None, reason="demo: staff console from loopback")
    with tenant_context(chiba):
        _demo_hours(chiba.default_slot_minutes)
        _demo_names()
        _demo_guidance()
        _demo_notices()
    with transaction.atomic():
        _user("platform-admin", "platform-admin@madoguchi.localhost", is_platform_admin=True)
        _member(chiba, _user("demo-staff", "demo-staff@chiba.localhost"), Role.STAFF)
        _member(chiba, _user("demo-operator", "demo-operator@madoguchi.localhost",
                             language_skills=["ja", "en"]), Role.OPERATOR)
        _member(chiba, _user("demo-supervisor", "demo-supervisor@madoguchi.localhost",
                             language_skills=["ja", "en", "zh-hans", "ko", "es", "pt-br"]), Role.OPERATOR_SUPERVISOR)
    # the call centre (a command of the call-centre surface): Chiba's toll-free number routed to
    # Chiba, the demo operators ready to be made available in the operator console
    call_command("call_centre_setup", "--city", chiba.schema_name, "--number", CHIBA["call_centre_phone"],
                 "--operator", "demo-operator", "--operator", "demo-supervisor", stdout=StringIO())
    return [
        ("citizen (notice / day of birth)", "ABC-000001 … ABC-000012", "1 … 12"),
        ("platform administrator", "platform-admin", DEMO_PASSWORD),
        ("staff administrator (Chiba)", CHIBA["admin_username"], DEMO_PASSWORD),
        ("staff (Chiba)", "demo-staff", DEMO_PASSWORD),
        ("call-centre operator", "demo-operator", DEMO_PASSWORD),
        ("call-centre supervisor", "demo-supervisor", DEMO_PASSWORD),
    ]


# What the demo's ward offices tell citizens, in all six languages; "bring" is one item a line.
DEMO_GUIDANCE = {
    "ja": {"bring": "交付通知書（はがき）\n本人確認書類（運転免許証、パスポート、在留カードなど）\n"
                    "通知カードまたは住民基本台帳カード（お持ちの方）",
           "hours": "平日 8:30〜17:30（予約の時間にお越しください）",
           "access": "区役所 1階 マイナンバーカード交付窓口"},
    "en": {"bring": "The notice postcard\nIdentity documents (driving licence, passport, residence card, etc.)\n"
                    "Your notification card or Basic Resident Register card, if you have one",
           "hours": "Weekdays 8:30–17:30 (please come at your booked time)",
           "access": "Ward office, 1st floor, My Number Card counter"},
    "zh-hans": {"bring": "交付通知书（明信片）\n身份证明文件（驾驶执照、护照、在留卡等）\n"
                         "通知卡或住民基本台账卡（如持有）",
                "hours": "工作日 8:30–17:30（请按预约时间前来）",
                "access": "区政府 1楼 个人编号卡领取窗口"},
    "ko": {"bring": "교부통지서(엽서)\n본인 확인 서류(운전면허증, 여권, 재류카드 등)\n"
                    "통지카드 또는 주민기본대장카드(소지한 경우)",
           "hours": "평일 8:30~17:30 (예약하신 시간에 방문해 주십시오)",
           "access": "구청 1층 마이넘버카드 교부 창구"},
    "es": {"bring": "La postal de notificación\n"
                    "Documentos de identidad (permiso de conducir, pasaporte, tarjeta de residencia, etc.)\n"
                    "Su tarjeta de notificación o tarjeta del Registro Básico de Residentes, si la tiene",
           "hours": "Días laborables de 8:30 a 17:30 (venga a la hora reservada)",
           "access": "Oficina del distrito, 1.ª planta, ventanilla de la tarjeta My Number"},
    "pt-br": {"bring": "O cartão-postal de notificação\n"
                       "Documento de identidade (carteira de motorista, passaporte, cartão de residente etc.)\n"
                       "Seu cartão de notificação ou cartão do Registro Básico de Residentes, se tiver",
              "hours": "Dias úteis, das 8h30 às 17h30 (venha no horário agendado)",
              "access": "Escritório do distrito, 1º andar, balcão do cartão My Number"},
}
# The guidance earlier versions of the seed wrote (Japanese and English only, "bring" repeating the
# notice and identity documents): replaced, while guidance a city wrote itself is left alone.
_EARLIER_DEMO_BRING = ("交付通知書、本人確認書類（運転免許証、パスポート、在留カードなど）、"
                       "通知カードまたは住民基本台帳カード（お持ちの方）")


def _demo_hours(slot_minutes: int) -> None:
    """Ward offices open with the onboarding hours if they have no weekly rule yet."""
    places_open_on_weekdays(places=Place.objects.filter(opening_rules__isnull=True), slot_minutes=slot_minutes)


def _demo_guidance() -> None:
    for place in Place.objects.all():
        bring = (place.guidance.get("ja") or {}).get("bring")
        if not place.guidance or bring == _EARLIER_DEMO_BRING:
            place.guidance = DEMO_GUIDANCE
            place.save(update_fields=["guidance"])


def _demo_names() -> None:
    """Ward and office names in every language; names a city wrote itself are kept."""
    for ward_code, _name, *other in _WARDS:
        ward = Ward.objects.filter(code=ward_code).first()
        if ward is None:
            continue
        ward.names = {**_ward_names(*other), **ward.names}
        ward.save(update_fields=["names"])
        for place in ward.default_places.all():
            place.names = {**_office_names(*other), **place.names}
            place.save(update_fields=["names"])


def _demo_notices() -> None:
    """Twelve notices to try the citizen site: ABC-000001 with day of birth 1, and so on."""
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
