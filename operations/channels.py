"""How an on-call contact is reached: a mail with an acknowledgement link, and a phone call through
the telephony adapter (`telephony_adapter.outbound.call_out`), where pressing 1 acknowledges.

The phone side is looked up by name (`OPERATIONS_TELEPHONY_MODULE`, default
`telephony_adapter.outbound`) when a call is made, so operations works, and tests run, with any
module that offers the same two functions:

    call_out(*, to: str, say: str, language: str, gather_action_url: str, reference: str) -> str
    validate_provider_request(request) -> bool
"""
from __future__ import annotations

import importlib
import json

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kernel.mail import send_templated_mail
from kernel.sites import site_url
from operations.checks import SPECS
from operations.models import Escalation, Incident, OnCallContact

TOKEN_SALT = "operations.acknowledge"
TOKEN_MAX_AGE = 7 * 24 * 3600


def telephony():
    return importlib.import_module(settings.OPERATIONS_TELEPHONY_MODULE)


def provider_request_valid(request) -> bool:
    """The provider's signature on a gather callback: `validate_provider_request` of the telephony
    module, or of OPERATIONS_TELEPHONY_SIGNATURE_MODULE where the adapter keeps it (its providers)."""
    check = getattr(telephony(), "validate_provider_request", None)
    if check is None:
        check = importlib.import_module(settings.OPERATIONS_TELEPHONY_SIGNATURE_MODULE).validate_provider_request
    return bool(check(request))


def gathered_digits(request) -> str:
    """The keys pressed, as providers post them: a form field `Digits` (Twilio) or `digits`, or JSON."""
    digits = request.POST.get("Digits") or request.POST.get("digits") or ""
    if not digits and request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        digits = str(body.get("digits") or body.get("Digits") or "") if isinstance(body, dict) else ""
    return digits.strip()[:10]


def incident_title(incident: Incident) -> str:
    """The incident's title in the active language: a person's words, or the check's catalogued title."""
    if incident.title:
        return incident.title
    spec = SPECS.get(incident.check_name)
    return str(spec.title) if spec else incident.check_name


def acknowledgement_token(escalation: Escalation, contact: OnCallContact) -> str:
    return signing.dumps({"e": escalation.pk, "c": contact.pk}, salt=TOKEN_SALT, compress=True)


def read_acknowledgement_token(token: str) -> tuple[int, int] | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return int(data["e"]), int(data["c"])


def _platform_url(path: str) -> str:
    return site_url(settings.MADOGUCHI_PUBLIC_DOMAINS[0], path)


def _platform_path(name: str, *args) -> str:
    """A path of the platform's own site (its URLconf, whichever site is being served now)."""
    return reverse(name, args=args, urlconf=settings.PUBLIC_SCHEMA_URLCONF)


def acknowledgement_url(escalation: Escalation, contact: OnCallContact) -> str:
    return _platform_url(_platform_path("operations:acknowledge", acknowledgement_token(escalation, contact)))


def gather_action_url(escalation: Escalation, contact: OnCallContact) -> str:
    path = _platform_path("operations:phone_acknowledge", acknowledgement_token(escalation, contact))
    return _platform_url(f"{path}?lang={contact.language}")


def _scope_label(incident: Incident, city_names: dict[str, str]) -> str:
    return city_names.get(incident.scope, incident.scope) if incident.scope else _("every city")


def mail_alert(*, contact: OnCallContact, escalation: Escalation, kind: str, round_number: int,
               city_names: dict[str, str]) -> None:
    incident = escalation.incident
    with translation.override(contact.language):
        context = {
            "contact": contact, "incident": incident, "title": incident_title(incident), "round": round_number,
            "scope": _scope_label(incident, city_names), "acknowledge_url": acknowledgement_url(escalation, contact),
            "console_url": _platform_url(_platform_path("operations:incident", incident.pk)),
            "status_url": _platform_url("/status/"), "repeat_minutes": escalation.policy.repeat_minutes,
        }
    send_templated_mail(to=[contact.email], template=f"operations/mail/{kind}", context=context,
                        language=contact.language)


def phone_alert(*, contact: OnCallContact, escalation: Escalation, round_number: int,
                city_names: dict[str, str]) -> str:
    incident = escalation.incident
    with translation.override(contact.language):
        say = _("madoguchi alert for %(scope)s: %(title)s. Press 1 to acknowledge.") % {
            "scope": _scope_label(incident, city_names), "title": incident_title(incident)}
    return telephony().call_out(to=contact.phone, say=say, language=contact.language,
                                gather_action_url=gather_action_url(escalation, contact),
                                reference=f"incident-{incident.pk}-escalation-{escalation.pk}-round-{round_number}")
